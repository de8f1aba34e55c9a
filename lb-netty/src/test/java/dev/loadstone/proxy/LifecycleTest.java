package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timeouts on idle connections, the backend connection pool's limits, and graceful shutdown. */
class LifecycleTest {
  private final TestOrigin origin = TestOrigin.start("o");
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    origin.close();
  }

  private void start(ProxyConfig.Builder b) {
    proxy = ProxyServer.builder(b.listen("127.0.0.1:0").addBackend(origin.address()).build()).eventLoopThreads(1).start();
  }

  private CompletableFuture<RawClient.Response> getAsync(String path) {
    return CompletableFuture.supplyAsync(() -> {
      try (RawClient c = new RawClient(proxy.localAddress())) {
        return c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void idleClientConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
    start(ProxyConfig.builder().idleTimeout(Duration.ofMillis(300)));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      c.setTimeoutMillis(5000);
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void idlePooledBackendConnectionsAreClosedAfterThePoolIdleTimeout() throws Exception {
    start(ProxyConfig.builder().poolIdleTimeout(Duration.ofSeconds(1)));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      assertThat(origin.openConnections()).as("kept for reuse").isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> origin.openConnections() == 0);
    }
  }

  @Test
  void thePoolKeepsNoMoreIdleConnectionsPerBackendThanConfigured() throws Exception {
    start(ProxyConfig.builder().poolMaxIdle(1));
    CompletableFuture<RawClient.Response> first = getAsync("/slow?ms=300");
    CompletableFuture<RawClient.Response> second = getAsync("/slow?ms=300");
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.inFlight.get() == 2);
    assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(second.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.openConnections() == 1);
  }

  @Test
  void gracefulShutdownFinishesInFlightRequestsAndStopsAccepting() throws Exception {
    start(ProxyConfig.builder());
    CompletableFuture<RawClient.Response> slow = getAsync("/slow?ms=500");
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.inFlight.get() == 1);
    CompletableFuture<Void> stopped = proxy.shutdownGracefully(Duration.ofSeconds(5));
    RawClient.Response r = slow.get(5, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("connection")).isEqualTo("close");
    stopped.get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> new Socket(proxy.localAddress().getAddress(), proxy.localAddress().getPort()).close())
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatHangsUpMidRequestReleasesItsBackendLeaseAndConnection() throws Exception {
    start(ProxyConfig.builder());
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET /slow?ms=2000 HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> origin.inFlight.get() == 1);
      assertThat(proxy.pool().snapshot().all().get(0).inFlight()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.pool().snapshot().all().get(0).inFlight() == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.openConnections() == 0);
  }
}
