package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Clients that are slow or greedy on purpose: the proxy serves them correctly and bounds what they cost. */
class SlowClientsIT {
  private TestOrigin origin;
  private ProxyServer proxy;

  private void start(ProxyConfigBuilder config) {
    origin = TestOrigin.start("o");
    proxy = ProxyServer.builder(config.listen("127.0.0.1:0").addBackend(origin.address()).build())
        .eventLoopThreads(1).start();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  void tenThousandPipelinedGetsWithReadingPausedAreAllAnsweredInOrder() throws Exception {
    // Issue 13: with reading paused for longer than the header timeout, the old proxy timed out the heads it
    // had itself left unread under backpressure, reset the connection and lost responses already fetched.
    start(ProxyConfig.builder().headerTimeout(Duration.ofMillis(300)));
    int n = 10_000;
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < n; i++) {
      all.append("GET /echo?n=").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    try (RawClient c = new RawClient(proxy.localAddress())) {
      // The writer blocks once the buffers on both sides are full; the reader does not read for a while.
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          c.send(all.toString().getBytes(StandardCharsets.ISO_8859_1));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      // Reading paused for five header timeouts: the origin keeps being asked until the buffers fill, then not.
      org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
          .until(() -> origin.requests.get() > 0);
      for (int i = 0; i < n; i++) {
        RawClient.Response r = c.read();
        assertThat(r.status()).as("response %d", i).isEqualTo(200);
        assertThat(r.body()).as("response %d", i).isEqualTo("/echo?n=" + i);
      }
      writer.get();
    }
    assertThat(origin.requests.get()).isEqualTo(n);
  }

  @Test
  void aBodyTrickledAtOneBytePerTickGets408AtItsDeadline() throws Exception {
    // Issue 13: a POST body sent at 1 byte/s held a backend exchange for as long as the client liked; only
    // the gap between bytes was timed (by the idle timeout), which a trickle never trips.
    start(ProxyConfig.builder().requestBodyTimeout(Duration.ofSeconds(1)).requestBodyMinRate(500)
        .idleTimeout(Duration.ofSeconds(30)));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
      long t0 = System.nanoTime();
      // The slow client: one byte every 50 ms (20 bytes/s), at most 200 of them.
      java.util.concurrent.ScheduledExecutorService pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
      pace.scheduleAtFixedRate(() -> {
        try {
          if (sent.incrementAndGet() <= 200) {
            c.send("x");
          }
        } catch (Exception closedByTheProxy) {
          // expected once the 408 went out
        }
      }, 0, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
      RawClient.Response r;
      try {
        r = c.read();
      } finally {
        pace.shutdownNow();
      }
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.body()).contains("request-body-timeout 1s");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(tookMs).as("ended by the body deadline, long before the idle timeout").isLessThan(10_000);
    }
    // The backend saw part of a body: its connection is closed, not pooled, and nothing holds it any more.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> origin.openConnections() == 0);
  }

  @Test
  void anUploadFasterThanTheMinRateIsNotCutAtTheTimeout() throws Exception {
    start(ProxyConfig.builder().requestBodyTimeout(Duration.ofMillis(300)).requestBodyMinRate(1000));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n");
      // 200 bytes every 100 ms (2,000 bytes/s) for 2 s: longer than the timeout, faster than the min rate.
      java.util.concurrent.ScheduledExecutorService pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      java.util.concurrent.CountDownLatch chunks = new java.util.concurrent.CountDownLatch(20);
      pace.scheduleAtFixedRate(() -> {
        try {
          if (chunks.getCount() > 0) {
            c.send("y".repeat(200));
            chunks.countDown();
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
      RawClient.Response r;
      try {
        assertThat(chunks.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        r = c.read();
      } finally {
        pace.shutdownNow();
      }
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("o:4000");
    }
  }

  @Test
  void atMaxConnectionsNewClientsWaitInTheBacklogAndAreServedWhenOneCloses() throws Exception {
    java.util.List<Integer> paused = new java.util.concurrent.CopyOnWriteArrayList<>();
    origin = TestOrigin.start("o");
    proxy = ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origin.address()).maxConnections(2).build())
        .eventLoopThreads(1)
        .listener(new ExchangeListener() {
          @Override
          public void acceptPaused(int limit) {
            paused.add(limit);
          }
        })
        .start();
    assertThat(proxy.maxConnections()).isEqualTo(2);
    RawClient first = new RawClient(proxy.localAddress());
    try (RawClient second = new RawClient(proxy.localAddress()); RawClient third = new RawClient(proxy.localAddress())) {
      assertThat(first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      assertThat(second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
      third.send("GET /third HTTP/1.1\r\nHost: x\r\n\r\n"); // connected by the kernel, not accepted
      org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
          .until(() -> proxy.clientConnections() == 2 && origin.requests.get() == 2);
      assertThat(paused).containsExactly(2);
      first.close();
      RawClient.Response r = third.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(origin.seen).extracting(TestOrigin.Seen::uri).containsExactly("/", "/", "/third");
    }
  }

  @Test
  void theAutomaticConnectionLimitIsHalfTheDescriptorsLeftAfterTheReserve() {
    long fds = ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getMaxFileDescriptorCount();
    assertThat(ConnectionLimit.auto()).isEqualTo((int) Math.max(1, (fds - ConnectionLimit.RESERVED_FDS) / 2));
  }
}
