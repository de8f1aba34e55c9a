package dev.loadstone.proxy;

import static dev.loadstone.proxy.FaultyOrigin.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.loadstone.lb.BackendState;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backends that fail in the middle of things (issue 13): the client gets a clean error or a closed connection,
 * never a hang or two responses merged, and nothing stays in flight afterwards.
 */
class BackendFaultsIT {
  private FaultyOrigin origin;
  private ProxyServer proxy;

  private void start(FaultyOrigin.Script script, int idleMillis) throws IOException {
    origin = new FaultyOrigin(script, idleMillis);
    proxy = ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origin.address()).build())
        .eventLoopThreads(1).start();
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  private void awaitNothingInFlight() {
    await().atMost(Duration.ofSeconds(5))
        .until(() -> proxy.pool().snapshot().all().stream().mapToInt(BackendState::inFlight).sum() == 0);
  }

  @Test
  void aBackendThatDiesInsideTheBodyEndsTheResponseWithACloseNotAHang() throws Exception {
    start((s, out, n) -> {
      out.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf"));
      out.flush();
      return false; // and close: the body is cut at 4 of 100 bytes
    }, 10_000);
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThatThrownBy(c::read).isInstanceOf(IOException.class)
          .hasMessage("connection closed after 4 of 100 body bytes");
    }
    awaitNothingInFlight();
  }

  @Test
  void aResetAfterTheResponseHeadClosesTheClientConnection() throws Exception {
    start((s, out, n) -> {
      out.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
      out.flush();
      s.setSoLinger(true, 0);
      s.close(); // RST
      return false;
    }, 10_000);
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThatThrownBy(c::read).isInstanceOf(IOException.class)
          .hasMessage("connection closed after 0 of 100 body bytes");
    }
    awaitNothingInFlight();
  }

  @Test
  void aPooledConnectionTheBackendClosedWhileIdleIsReplacedWithoutTheClientNoticing() throws Exception {
    // The backend's own keep-alive timeout (100 ms) closes the pooled connection behind the proxy's back; the
    // next request, even a POST and even with only this backend, goes out on a new connection.
    start((s, out, n) -> {
      out.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok" + n));
      out.flush();
      return true;
    }, 100);
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("ok1");
      await().atMost(Duration.ofSeconds(5)).until(() -> origin.idleCloses.get() == 1);
      RawClient.Response r = c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ok2");
    }
    assertThat(origin.heads.get()).isEqualTo(2);
    awaitNothingInFlight();
  }

  @Test
  void aBackendThatAnswersTwiceToOneRequestNeverLeaksTheExtraIntoTheNextResponse() throws Exception {
    // The extra bytes arrive on a connection that must then not be reused: the next client request gets its
    // own, correct response instead of the stale one (no merge, no desync).
    start((s, out, n) -> {
      out.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok" + n + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"));
      out.flush();
      return true;
    }, 10_000);
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("ok1");
      RawClient.Response second = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(second.body()).isEqualTo("ok2");
    }
    awaitNothingInFlight();
  }
}
