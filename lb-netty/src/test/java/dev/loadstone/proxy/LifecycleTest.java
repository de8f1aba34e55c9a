package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

  private void start(ProxyConfigBuilder b) {
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
  void aRequestWaitingOnASlowBackendIsNotClosedByTheIdleTimeout() throws Exception {
    // Issue 9 defect 7: the client idle timeout closed a connection whose request waited on a slow backend.
    start(ProxyConfig.builder().idleTimeout(Duration.ofMillis(300)).responseTimeout(Duration.ofSeconds(10)));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("GET /slow?ms=1200 HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("o");
      c.setTimeoutMillis(5000);
      assertThat(c.isClosedByPeer()).as("idle again after the response: closed by the idle timeout").isTrue();
    }
  }

  @Test
  void drainingWaitsForTheLastResponsesPendingWrites() throws Exception {
    // Issue 9 defect 10: on drain, a connection whose exchange was done but whose last response was still
    // being written was closed at once, discarding the unwritten rest of that response.
    start(ProxyConfig.builder());
    long size = 24L << 20; // more than the proxy's socket send buffer can hold (tcp_wmem max 4 MiB), so writes wait in Netty
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(8 * 1024);
      s.connect(proxy.localAddress(), 2000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET /download?bytes=" + size + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      long received = in.read(buf); // the response has started: the exchange holds its lease
      assertThat(received).isPositive();
      // Read slowly until the proxy has the whole response from the backend (its lease is given back when
      // the backend's last byte is relayed) while part of it still waits to be written to this client.
      while (proxy.pool().snapshot().all().get(0).inFlight() > 0) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        received += n;
      }
      assertThat(received).as("the response is not yet all read").isLessThan(size);
      CompletableFuture<Void> stopped = proxy.shutdownGracefully(Duration.ofSeconds(10));
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        received += n;
      }
      String head = "HTTP/1.1 200 OK\r\ncontent-length: " + size + "\r\n\r\n";
      assertThat(received).as("every byte of the response, then EOF").isEqualTo(head.length() + size);
      stopped.get(10, TimeUnit.SECONDS);
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
