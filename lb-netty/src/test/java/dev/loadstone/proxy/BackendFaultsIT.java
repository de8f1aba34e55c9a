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
 * never a hang or two responses merged, and nothing stays in flight afterwards. Where a {@link Bystander}
 * runs, the faulty backend has a healthy neighbour in the pool (consistent hashing on {@code X-Route} keeps
 * each client on its own backend) and the bystander's requests to it, on the same single event loop, are all
 * served, quickly, while the fault happens.
 */
class BackendFaultsIT {
  private FaultyOrigin origin;
  private TestOrigin healthy;
  private ProxyServer proxy;
  private volatile Bystander other;

  private void start(FaultyOrigin.Script script, int idleMillis) throws IOException {
    origin = new FaultyOrigin(script, idleMillis);
    proxy = ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origin.address()).build())
        .eventLoopThreads(1).start();
  }

  /**
   * As {@link #start}, with a healthy origin beside the faulty one; returns the header line that routes a request
   * to the faulty one. {@link #bystander()} sends its requests to the healthy one.
   */
  private String startBesideAHealthyBackend(FaultyOrigin.Script script, int idleMillis) throws IOException {
    origin = new FaultyOrigin(script, idleMillis);
    healthy = TestOrigin.start("healthy");
    proxy = ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origin.address()).addBackend(healthy.address())
        .algorithm(Algorithm.CONSISTENT_HASH).hashKey("header:X-Route").build()).eventLoopThreads(1).start();
    return "X-Route: " + keyTo(origin.address()) + "\r\n";
  }

  /** A key the pool's consistent hash sends to this backend (asked of the balancer, no request sent). */
  private String keyTo(String address) {
    for (int i = 0; i < 1000; i++) {
      if (proxy.pool().pick(dev.loadstone.lb.PickRequest.of("k" + i, null)).state().backend().address().equals(address)) {
        return "k" + i;
      }
    }
    throw new AssertionError("no key of k0..k999 hashes to " + address);
  }

  /** Starts the bystander on the healthy backend; the faulty origin's script holds the fault with {@link #hold()}. */
  private Bystander bystander() {
    other = Bystander.start(proxy.localAddress(), "X-Route: " + keyTo(healthy.address()) + "\r\n", "healthy");
    return other;
  }

  /** Called by a script in the middle of its fault: it lasts until the bystander was served 50 more requests. */
  private void hold() {
    other.awaitServedAfterWarmup(HELD_FOR);
  }

  private static final int HELD_FOR = 50;

  /** Bounds for a bystander beside one fault: every request served (the 50 of the fault at least), p99 within 200 ms, none over 1 s (a shared 2-core machine, paranoid leak detection). */
  private static void servedThroughout(Bystander b) throws InterruptedException {
    b.assertServedThroughout(HELD_FOR, Duration.ofMillis(200), Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
    if (healthy != null) {
      healthy.close();
    }
  }

  private void awaitNothingInFlight() {
    await().atMost(Duration.ofSeconds(5))
        .until(() -> proxy.pool().snapshot().all().stream().mapToInt(BackendState::inFlight).sum() == 0);
  }

  @Test
  void aBackendThatDiesInsideTheBodyEndsTheResponseWithACloseNotAHang() throws Exception {
    String route = startBesideAHealthyBackend((s, out, n) -> {
      out.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf"));
      out.flush();
      hold();
      return false; // and close: the body is cut at 4 of 100 bytes
    }, 10_000);
    Bystander other = bystander();
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET / HTTP/1.1\r\nHost: x\r\n" + route + "\r\n");
      assertThatThrownBy(c::read).isInstanceOf(IOException.class)
          .hasMessage("connection closed after 4 of 100 body bytes");
    }
    servedThroughout(other);
    awaitNothingInFlight();
  }

  @Test
  void aResetAfterTheResponseHeadClosesTheClientConnection() throws Exception {
    String route = startBesideAHealthyBackend((s, out, n) -> {
      out.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
      out.flush();
      hold();
      s.setSoLinger(true, 0);
      s.close(); // RST
      return false;
    }, 10_000);
    Bystander other = bystander();
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET / HTTP/1.1\r\nHost: x\r\n" + route + "\r\n");
      assertThatThrownBy(c::read).isInstanceOf(IOException.class)
          .hasMessage("connection closed after 0 of 100 body bytes");
    }
    servedThroughout(other);
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
    String route = startBesideAHealthyBackend((s, out, n) -> {
      if (n == 1) {
        hold();
      }
      out.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok" + n + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"));
      out.flush();
      return true;
    }, 10_000);
    Bystander other = bystander();
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n" + route + "\r\n").read().body()).isEqualTo("ok1");
      RawClient.Response second = c.send("GET / HTTP/1.1\r\nHost: x\r\n" + route + "\r\n").read();
      assertThat(second.body()).isEqualTo("ok2");
    }
    servedThroughout(other);
    awaitNothingInFlight();
  }
}
