package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwardingTest {
  private final List<TestOrigin> origins = new ArrayList<>();
  private ProxyServer proxy;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    for (String id : List.of("a", "b", "c")) {
      origins.add(TestOrigin.start(id));
    }
    ProxyConfigBuilder b = ProxyConfig.builder().listen("127.0.0.1:0");
    for (TestOrigin o : origins) {
      b.addBackend(o.address() + ",id=" + o.id);
    }
    proxy = ProxyServer.builder(b.build()).eventLoopThreads(1).start();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      // Every attempt, successful or not, gave its lease back.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
          .until(() -> proxy.pool().snapshot().all().stream().allMatch(b -> b.inFlight() == 0));
    }
    proxy.close();
    origins.forEach(TestOrigin::close);
  }

  private URI uri(String path) {
    InetSocketAddress a = proxy.localAddress();
    return URI.create("http://127.0.0.1:" + a.getPort() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void roundRobinSendsRequestsToEachBackendInTurn() throws Exception {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      seen.add(r.body());
    }
    assertThat(seen).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void backendConnectionsAreReusedAcrossRequests() throws Exception {
    for (int i = 0; i < 9; i++) {
      assertThat(get("/").statusCode()).isEqualTo(200);
    }
    for (TestOrigin o : origins) {
      assertThat(o.requests.get()).isEqualTo(3);
      assertThat(o.connections.get()).as("connections to " + o.id).isEqualTo(1);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().body()).isEqualTo("a");
      assertThat(c.read().body()).isEqualTo("b");
      assertThat(c.read().body()).isEqualTo("c-a-b");
    }
  }

  private RawClient raw() throws Exception {
    return new RawClient(proxy.localAddress());
  }

  @Test
  void headResponsesCarryNoBodyAndKeepTheConnectionUsable() throws Exception {
    try (RawClient c = raw()) {
      RawClient.Response head = c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo("1");
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("b");
    }
  }

  @Test
  void headOfAChunkedResponseCarriesNoChunks() throws Exception {
    try (RawClient c = raw()) {
      RawClient.Response head = c.send("HEAD /chunked HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("b");
    }
  }

  @Test
  void noContentAndNotModifiedHaveNoBody() throws Exception {
    try (RawClient c = raw()) {
      RawClient.Response r204 = c.send("GET /status?code=204 HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(r204.status()).isEqualTo(204);
      assertThat(r204.header("transfer-encoding")).isNull();
      RawClient.Response r304 = c.send("GET /status?code=304 HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(r304.status()).isEqualTo(304);
      assertThat(r304.header("etag")).isEqualTo("\"v1\"");
      assertThat(r304.header("transfer-encoding")).isNull();
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("c");
    }
  }

  @Test
  void chunkedRequestBodiesAreStreamedToTheBackend() throws Exception {
    try (RawClient c = raw()) {
      RawClient.Response r =
          c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").read();
      assertThat(r.body()).isEqualTo("a:11");
      assertThat(origins.get(0).seen.peek().headers().get("transfer-encoding")).isEqualTo("chunked");
    }
  }

  @Test
  void expectContinueGetsA100BeforeTheBodyIsSent() throws Exception {
    try (RawClient c = raw()) {
      c.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(100);
      RawClient.Response r = c.send("hello").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("a:5");
    }
  }

  @Test
  void clientConnectionCloseIsHonoured() throws Exception {
    try (RawClient c = raw()) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
      assertThat(r.body()).isEqualTo("a");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void backendConnectionCloseDoesNotCloseTheClientConnection() throws Exception {
    try (RawClient c = raw()) {
      for (int i = 0; i < 3; i++) {
        RawClient.Response r = c.send("GET /close HTTP/1.1\r\nHost: x\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("connection")).isNull();
      }
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("a");
    }
    assertThat(origins.get(0).connections.get()).as("a closed connection is not reused").isEqualTo(2);
  }

  @Test
  void http10ClientsGetACloseDelimitedBodyInsteadOfChunks() throws Exception {
    try (RawClient c = raw()) {
      RawClient.Response r = c.send("GET /chunked HTTP/1.0\r\n\r\n").read();
      assertThat(r.header("transfer-encoding")).isNull();
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(r.body()).isEqualTo("a-a-b");
    }
  }

  @Test
  void forwardingHeadersFromUntrustedClientsAreReplaced() throws Exception {
    try (RawClient c = raw()) {
      c.send("GET /headers HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n"
          + "Forwarded: for=6.6.6.6\r\nX-Forwarded-Host: evil\r\n\r\n").read();
    }
    TestOrigin.Seen seen = origins.get(0).seen.peek();
    assertThat(seen.headers().getAll("x-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(seen.headers().getAll("x-forwarded-proto")).containsExactly("http");
    assertThat(seen.headers().getAll("x-forwarded-host")).containsExactly("shop.example");
    assertThat(seen.headers().getAll("forwarded")).containsExactly("for=127.0.0.1;proto=http;host=shop.example");
  }

  @Test
  void everyForwardingHeaderAnUntrustedClientSendsIsRemoved() throws Exception {
    // Issue 9 defect 6: X-Real-IP, X-Forwarded-Port, -Prefix and -Ssl passed through (Spring and Tomcat read them).
    try (RawClient c = raw()) {
      c.send("GET /headers HTTP/1.1\r\nHost: shop.example\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-Port: 443\r\n"
          + "X-Forwarded-Prefix: /admin\r\nX-Forwarded-Ssl: on\r\nX-Forwarded-Server: evil\r\nX_Forwarded_For: 6.6.6.6\r\n\r\n").read();
    }
    TestOrigin.Seen seen = origins.get(0).seen.peek();
    for (String h : List.of("x-real-ip", "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-ssl", "x-forwarded-server", "x_forwarded_for")) {
      assertThat(seen.headers().contains(h)).as(h).isFalse();
    }
    assertThat(seen.headers().getAll("x-forwarded-for")).containsExactly("127.0.0.1");
  }

  @Test
  void stripHeadersRemovesMoreNamesFromUntrustedClients() throws Exception {
    ProxyServer stripping =
        ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origins.get(0).address())
                .stripRequestHeaders(List.of("X-User", "X-Roles")).build())
            .eventLoopThreads(1)
            .start();
    try (RawClient c = new RawClient(stripping.localAddress())) {
      c.send("GET /headers HTTP/1.1\r\nHost: x\r\nX-User: admin\r\nx_roles: root\r\nX-Kept: yes\r\n\r\n").read();
    } finally {
      stripping.close();
    }
    TestOrigin.Seen seen = origins.get(0).seen.peek();
    assertThat(seen.headers().contains("x-user")).isFalse();
    assertThat(seen.headers().contains("x_roles")).isFalse();
    assertThat(seen.headers().get("x-kept")).isEqualTo("yes");
  }

  @Test
  void requestTrailersAreDroppedUnlessAllowlisted() throws Exception {
    // Issue 9 defect 6: request trailers were forwarded verbatim (a trailer X-Forwarded-For reached the origin).
    String request = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n"
        + "X-Forwarded-For: 6.6.6.6\r\nX-Checksum: abc\r\n\r\n";
    try (RecordingOrigin recording = new RecordingOrigin()) {
      for (List<String> allowed : List.of(List.<String>of(), List.of("X-Checksum"))) {
        ProxyServer p =
            ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(recording.address()).forwardedTrailers(allowed).build())
                .eventLoopThreads(1)
                .start();
        try (RawClient c = new RawClient(p.localAddress())) {
          assertThat(c.send(request).read().body()).isEqualTo("ok");
        } finally {
          p.close();
        }
      }
      List<String> seen = recording.messages();
      assertThat(seen).hasSize(2);
      assertThat(seen.get(0)).endsWith("\r\n\r\n2\r\nhi\r\n0\r\n\r\n").doesNotContain("6.6.6.6").doesNotContain("X-Checksum");
      assertThat(seen.get(1)).endsWith("\r\n\r\n2\r\nhi\r\n0\r\nX-Checksum: abc\r\n\r\n").doesNotContain("6.6.6.6");
    }
  }

  @Test
  void forwardingHeadersFromTrustedProxiesAreExtended() throws Exception {
    ProxyServer trusting =
        ProxyServer.builder(
                ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origins.get(0).address()).trustedProxies(List.of("127.0.0.1/32")).build())
            .eventLoopThreads(1)
            .start();
    try (RawClient c = new RawClient(trusting.localAddress())) {
      c.send("GET /headers HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n"
          + "Forwarded: for=6.6.6.6;proto=https\r\n\r\n").read();
    } finally {
      trusting.close();
    }
    TestOrigin.Seen seen = origins.get(0).seen.peek();
    assertThat(seen.headers().getAll("x-forwarded-for")).containsExactly("6.6.6.6, 127.0.0.1");
    assertThat(seen.headers().getAll("x-forwarded-proto")).containsExactly("https");
    assertThat(seen.headers().getAll("x-forwarded-host")).containsExactly("shop.example");
    assertThat(seen.headers().getAll("forwarded")).containsExactly("for=6.6.6.6;proto=https, for=127.0.0.1;proto=http;host=shop.example");
  }

  @Test
  void hopByHopHeadersAreNotForwarded() throws Exception {
    try (RawClient c = raw()) {
      c.send("GET /headers HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\n"
          + "TE: trailers\r\nProxy-Authorization: Basic eA==\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-Kept: yes\r\n\r\n").read();
    }
    TestOrigin.Seen seen = origins.get(0).seen.peek();
    for (String h : List.of("x-secret", "keep-alive", "te", "proxy-authorization", "proxy-connection", "upgrade", "connection")) {
      assertThat(seen.headers().contains(h)).as(h).isFalse();
    }
    assertThat(seen.headers().get("x-kept")).isEqualTo("yes");
  }

  @Test
  void exchangesAreReportedToListeners() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProxyServer observed =
        ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origins.get(0).address() + ",id=a").build())
            .eventLoopThreads(1)
            .listener(new ExchangeListener() {
              @Override
              public void requestStarted(dev.loadstone.lb.Backend backend) {
                events.add("started " + backend.id());
              }

              @Override
              public void responseHeadersReceived(dev.loadstone.lb.Backend backend, int status) {
                events.add("headers " + status);
              }

              @Override
              public void exchangeCompleted(dev.loadstone.lb.Backend backend, int status, long nanos, long in, long out) {
                events.add("completed " + backend.id() + " " + status + " in=" + in + " out=" + out);
              }

              @Override
              public void clientConnectionClosed(java.net.SocketAddress client) {
                events.add("closed");
              }
            })
            .start();
    try (RawClient c = new RawClient(observed.localAddress())) {
      c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").read();
    }
    org.awaitility.Awaitility.await().until(() -> events.contains("closed"));
    observed.close();
    assertThat(events).containsExactly("started a", "headers 200", "completed a 200 in=5 out=3", "closed");
  }

  @Test
  void backendHostNamesAreResolvedWithoutBlockingTheEventLoop() throws Exception {
    // "localhost" comes from /etc/hosts through Netty's DNS resolver: no query leaves the machine.
    ProxyServer byName =
        ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend("localhost:" + origins.get(1).port()).build())
            .eventLoopThreads(1)
            .start();
    try (RawClient c = new RawClient(byName.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("b");
    } finally {
      byName.close();
    }
  }
}
