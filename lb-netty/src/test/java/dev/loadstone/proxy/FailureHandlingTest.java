package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Health;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Proxy-generated 502/503/504 and the retry rules. */
class FailureHandlingTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private ProxyServer proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
    if (proxy != null) {
      // Every attempt, successful or not, gave its lease back.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
          .until(() -> proxy.pool().snapshot().all().stream().allMatch(b -> b.inFlight() == 0));
    }
      proxy.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private TestOrigin origin(String id) {
    TestOrigin o = TestOrigin.start(id);
    closeables.add(o);
    return o;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void startProxy(ProxyConfigBuilder b) {
    proxy =
        ProxyServer.builder(b.listen("127.0.0.1:0").build())
            .eventLoopThreads(1)
            .listener(
                new ExchangeListener() {
                  @Override
                  public void backendFailed(Backend backend, FailureCause cause) {
                    events.add("failed " + backend.id() + " " + cause);
                  }

                  @Override
                  public void retried(Backend failed, FailureCause cause, int attempt) {
                    events.add("retry " + attempt);
                  }

                  @Override
                  public void proxyError(int status, String cause) {
                    events.add("error " + status);
                  }
                })
            .start();
  }

  private RawClient.Response get(String path) throws IOException {
    try (RawClient c = new RawClient(proxy.localAddress())) {
      return c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
    }
  }

  @Test
  void noAvailableBackendGives503WithRetryAfter() throws Exception {
    TestOrigin a = origin("a");
    startProxy(ProxyConfig.builder().addBackend(a.address() + ",id=a"));
    proxy.pool().setHealth("a", Health.DOWN);
    RawClient.Response r = get("/");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("retry-after")).isEqualTo("1");
    assertThat(r.header("content-type")).startsWith("text/plain");
    assertThat(r.body()).isEqualTo("503 Service Unavailable: no backend is available (none is UP and ACTIVE)\n");
    assertThat(a.requests.get()).isZero();
  }

  @Test
  void refusedConnectionsAreRetriedOnOtherBackendsThen502() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    startProxy(ProxyConfig.builder().addBackend("127.0.0.1:" + p1 + ",id=x").addBackend("127.0.0.1:" + p2 + ",id=y").retries(5));
    RawClient.Response r = get("/");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("502 Bad Gateway: backend y (127.0.0.1:" + p2 + ") refused the connection (after 2 attempts)\n");
    assertThat(events).containsExactly("failed x CONNECT_FAILED", "retry 2", "failed y CONNECT_FAILED", "error 502");
  }

  @Test
  void aRefusedConnectionIsRetriedOnAnotherBackendForAnyMethod() throws Exception {
    int dead = freePort();
    TestOrigin b = origin("b");
    startProxy(ProxyConfig.builder().addBackend("127.0.0.1:" + dead + ",id=dead").addBackend(b.address() + ",id=b"));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("b:5");
    }
  }

  @Test
  void invalidResponseGives502() throws Exception {
    ScriptedOrigin bad = new ScriptedOrigin("HTTP/1.1 abc nonsense\r\n\r\n");
    closeables.add(bad);
    startProxy(ProxyConfig.builder().addBackend(bad.address() + ",id=bad"));
    RawClient.Response r = get("/");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("502 Bad Gateway: backend bad (" + bad.address() + ") sent an invalid response (an invalid status line 'HTTP/1.1 abc nonsense')\n");
  }

  @Test
  void aRetryAfterAnInvalidResponseHeadRelaysTheWholeResponseOfTheNextBackend() throws Exception {
    // Issue 9 defect 3: the failed try left 'skip informational' set, so the retried backend's body was
    // dropped and the exchange hung holding that backend's lease.
    ScriptedOrigin bad = new ScriptedOrigin("HTTP/1.1 200 OK\r\n" + ("X-Big: " + "b".repeat(1000) + "\r\n").repeat(70) + "Content-Length: 2\r\n\r\nok");
    closeables.add(bad);
    TestOrigin b = origin("b");
    startProxy(ProxyConfig.builder().addBackend(bad.address() + ",id=bad").addBackend(b.address() + ",id=b"));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.setTimeoutMillis(3000);
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("b");
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).as("the connection still works").isEqualTo(200);
    }
    assertThat(events).startsWith("failed bad INVALID_RESPONSE", "retry 2");
  }

  @Test
  void aBackendHeaderNameWithASpaceIsA502AndAPassiveHealthFailure() throws Exception {
    // Issue 9 defect 12: 'Bad Header: x' was relayed as 'Bad: x'.
    ScriptedOrigin bad = new ScriptedOrigin("HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\nok");
    closeables.add(bad);
    startProxy(ProxyConfig.builder().addBackend(bad.address() + ",id=bad"));
    RawClient.Response r = get("/");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("bad")).isNull();
    assertThat(r.body())
        .isEqualTo("502 Bad Gateway: backend bad (" + bad.address() + ") sent an invalid response (whitespace in or after the header name 'Bad')\n");
    assertThat(events).containsExactly("failed bad INVALID_RESPONSE", "error 502");
  }

  @Test
  void a503KeepsTheConnectionOfACompleteBodylessRequest() throws Exception {
    // Issue 9 defect 8: every failure before the request was sent closed the client connection.
    TestOrigin a = origin("a");
    startProxy(ProxyConfig.builder().addBackend(a.address() + ",id=a"));
    proxy.pool().setHealth("a", Health.DOWN);
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("connection")).isNull();
      proxy.pool().setHealth("a", Health.UP);
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("a");
    }
  }

  @Test
  void aRefusedConnectKeepsTheClientConnectionWhenTheWholeBodyWasRead() throws Exception {
    int dead = freePort();
    startProxy(ProxyConfig.builder().addBackend("127.0.0.1:" + dead + ",id=dead"));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").read();
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("connection")).isNull();
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).as("the same connection serves the next request").isEqualTo(502);
    }
  }

  @Test
  void anEarlyBackendResponseIsRelayedWhileTheClientIsStillSendingItsBody() throws Exception {
    // The backend answers right after the head (and keeps reading, as a server that lingers does) while the
    // client still owes most of its body: the answer is relayed with Connection: close, the rest of the body
    // is drained (not reset), and then the connection ends.
    String answer = "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbig!";
    ScriptedOrigin early = new ScriptedOrigin(answer, true);
    closeables.add(early);
    startProxy(ProxyConfig.builder().addBackend(early.address() + ",id=early"));
    int size = 256 * 1024;
    byte[] chunk = new byte[8192];
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(proxy.localAddress(), 2000);
      s.setSoTimeout(10_000);
      java.io.OutputStream out = s.getOutputStream();
      out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(chunk);
      String expected = "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\nconnection: close\r\n\r\nbig!";
      byte[] got = s.getInputStream().readNBytes(expected.length());
      assertThat(new String(got, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(expected);
      for (int sent = chunk.length; sent < size; sent += chunk.length) {
        out.write(chunk); // drained by the proxy's lingering close, not reset
      }
      assertThat(s.getInputStream().read()).as("EOF after the response").isEqualTo(-1);
    }
  }

  @Test
  void slowBackendGives504AfterTheResponseTimeout() throws Exception {
    TestOrigin a = origin("a");
    startProxy(ProxyConfig.builder().addBackend(a.address() + ",id=a").responseTimeout(Duration.ofMillis(200)));
    RawClient.Response r = get("/slow?ms=3000");
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.body()).isEqualTo("504 Gateway Timeout: backend a (" + a.address() + ") did not respond within 200ms\n");
    assertThat(events).containsExactly("failed a RESPONSE_TIMEOUT", "error 504");
  }

  @Test
  void aLaterRequestOnAKeptAliveConnectionStillGets504AfterItsOwnResponseTimeout() throws Exception {
    TestOrigin a = origin("a");
    startProxy(ProxyConfig.builder().addBackend(a.address() + ",id=a").responseTimeout(Duration.ofMillis(1500)));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      // The first answer comes late in its window, so the connection's timer (armed for the first
      // deadline) fires while the second request waits and must re-arm for the second deadline.
      RawClient.Response first = c.send("GET /slow?ms=600 HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("a");
      long sent = System.nanoTime();
      RawClient.Response second = c.send("GET /slow?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n").read();
      long waitedMillis = (System.nanoTime() - sent) / 1_000_000;
      assertThat(second.status()).isEqualTo(504);
      assertThat(second.body()).isEqualTo("504 Gateway Timeout: backend a (" + a.address() + ") did not respond within 1500ms\n");
      // Timed from the first request, it would have fired about 900 ms into this one.
      assertThat(waitedMillis).isGreaterThanOrEqualTo(1500);
    }
    assertThat(events).containsExactly("failed a RESPONSE_TIMEOUT", "error 504");
  }

  @Test
  void aGetWhoseConnectionIsResetAfterSendingIsRetriedOnAnotherBackend() throws Exception {
    ScriptedOrigin hangUp = new ScriptedOrigin(null);
    closeables.add(hangUp);
    TestOrigin b = origin("b");
    startProxy(ProxyConfig.builder().addBackend(hangUp.address() + ",id=h").addBackend(b.address() + ",id=b"));
    RawClient.Response r = get("/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("b");
    assertThat(hangUp.heads.get()).isEqualTo(1);
    assertThat(events).containsExactly("failed h RESET", "retry 2");
  }

  @Test
  void aPostWhoseConnectionIsResetAfterSendingIsNotRetried() throws Exception {
    ScriptedOrigin hangUp = new ScriptedOrigin(null);
    closeables.add(hangUp);
    TestOrigin b = origin("b");
    startProxy(ProxyConfig.builder().addBackend(hangUp.address() + ",id=h").addBackend(b.address() + ",id=b"));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").read();
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.body()).isEqualTo("502 Bad Gateway: backend h (" + hangUp.address() + ") closed the connection before responding\n");
    }
    assertThat(b.requests.get()).isZero();
    assertThat(events).containsExactly("failed h RESET", "error 502");
  }

  @Test
  void retriesNeverExceedTheConfiguredCount() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    int p3 = freePort();
    startProxy(
        ProxyConfig.builder()
            .addBackend("127.0.0.1:" + p1 + ",id=x")
            .addBackend("127.0.0.1:" + p2 + ",id=y")
            .addBackend("127.0.0.1:" + p3 + ",id=z")
            .retries(1));
    assertThat(get("/").status()).isEqualTo(502);
    assertThat(events).containsExactly("failed x CONNECT_FAILED", "retry 2", "failed y CONNECT_FAILED", "error 502");
  }

  @Test
  void aKilledBackendCausesNoClientVisibleErrorsForGets() throws Exception {
    TestOrigin a = origin("a");
    TestOrigin b = origin("b");
    TestOrigin c = origin("c");
    startProxy(ProxyConfig.builder().addBackend(a.address() + ",id=a").addBackend(b.address() + ",id=b").addBackend(c.address() + ",id=c"));
    List<String> bodies = new ArrayList<>();
    try (RawClient client = new RawClient(proxy.localAddress())) {
      for (int i = 0; i < 30; i++) {
        if (i == 10) {
          b.close(); // pooled connections to b are now closed and new connects are refused
        }
        RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
        assertThat(r.status()).as("request " + i).isEqualTo(200);
        bodies.add(r.body());
      }
    }
    assertThat(bodies.subList(0, 10)).containsExactly("a", "b", "c", "a", "b", "c", "a", "b", "c", "a");
    assertThat(bodies.subList(10, 30)).doesNotContain("b").contains("a", "c");
  }

  @Test
  void aBackendThatDoesNotAcceptWithinTheConnectTimeoutGives504() throws Exception {
    // A listening socket that never accepts: once its accept queue is full, Linux drops further SYNs,
    // so a connect neither succeeds nor fails until the connect timeout.
    try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          java.net.Socket f = new java.net.Socket();
          try {
            f.connect(full.getLocalSocketAddress(), 200);
          } catch (java.net.SocketTimeoutException e) {
            f.close();
            break; // the queue is full
          }
          fillers.add(f);
        }
        String addr = "127.0.0.1:" + full.getLocalPort();
        startProxy(ProxyConfig.builder().addBackend(addr + ",id=stuck").connectTimeout(Duration.ofMillis(300)));
        RawClient.Response r = get("/");
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.body()).isEqualTo("504 Gateway Timeout: backend stuck (" + addr + ") did not accept a connection within 300ms\n");
        assertThat(events).containsExactly("failed stuck CONNECT_TIMEOUT", "error 504");
      } finally {
        for (java.net.Socket f : fillers) {
          f.close();
        }
      }
    }
  }
}
