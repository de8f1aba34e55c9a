package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.proxy.BadClients.Conn;
import dev.loadstone.proxy.BadClients.Kind;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, the slow and greedy clients all at once against one in-process proxy (two event loops): 1,000
 * slowloris connections, 100 slow readers of 16 MiB downloads, one connection of blank lines (up to 100 MiB),
 * one request head of 10,000 tiny headers and one upload at 1 byte/s. Meanwhile a normal client on its own
 * connection ({@link Bystander}) is served with p99 under 500 ms, the direct memory in use stays bounded
 * (100 slow readers buffered whole would be 1.6 GiB), and every bad connection ends within its timeout. The
 * counts scale down, with a message, when the descriptor limit is too low for them (each connection costs
 * this JVM two descriptors, the client's and the proxy's, and a slow reader a third to the origin).
 */
class SlowClientsTogetherIT {
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
  /**
   * What a bad connection may take past its timeout: the event loops also push the slow readers' first
   * ~2.8 MiB each into the kernel's buffers (about 280 MB at the start), on a shared 2-core machine with paranoid
   * leak detection; measured here: 408s of slowloris at 2.0-3.5 s, the trickle's 408 at 3.3 s.
   */
  private static final Duration SLACK = Duration.ofSeconds(3);
  private static final long DIRECT_BOUND = 128L << 20;
  private TestOrigin origin;
  private ProxyServer proxy;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    sampler.shutdownNow();
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  /** Direct memory in use: Netty's own count when it keeps one, else the JVM's direct buffer pool. */
  static long directMemory() {
    long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
    if (netty >= 0) {
      return netty;
    }
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream().filter(b -> b.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
  }

  /** 1,000 slowloris and 100 slow readers, fewer when the descriptor limit would not hold them (and says so). */
  static int[] counts() {
    long fds = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    long need = 2 * 1000 + 3 * 100 + 500; // + the JVM's own, the origin's, the bystander's
    if (fds >= need) {
      return new int[] {1000, 100};
    }
    double f = Math.max(0.05, (fds - 500) / (double) (need - 500));
    int[] scaled = {(int) (1000 * f), Math.max(1, (int) (100 * f))};
    System.out.println("SlowClientsTogetherIT: the descriptor limit is " + fds + " (ulimit -n), below the " + need
        + " this test needs: running " + scaled[0] + " slowloris connections and " + scaled[1] + " slow readers instead");
    return scaled;
  }

  @Test
  void aNormalClientIsServedWhileEveryKindOfBadClientRunsAndEachBadConnectionEndsAtItsTimeout() throws Exception {
    int[] n = counts();
    origin = TestOrigin.start("o");
    proxy = ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origin.address()).accessLog("off")
        .headerTimeout(HEADER_TIMEOUT).idleTimeout(IDLE_TIMEOUT).requestBodyTimeout(BODY_TIMEOUT).requestBodyMinRate(500)
        .maxConnections(n[0] + n[1] + 100).build()).eventLoopThreads(2).start(); // as on this 2-core machine by default
    Bystander normal = Bystander.start(proxy.localAddress(), "", "o");
    long baseline = directMemory();
    AtomicLong peak = new AtomicLong(baseline);
    sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(directMemory(), Math::max), 0, 20, TimeUnit.MILLISECONDS);

    try (BadClients bad = new BadClients(proxy.localAddress())) {
      List<Conn> tiny = bad.open(Kind.TINY_HEADERS, 1);
      List<Conn> trickle = bad.open(Kind.ONE_BYTE_PER_SECOND, 1);
      List<Conn> blank = bad.open(Kind.BLANK_LINES, 1);
      List<Conn> slowloris = bad.open(Kind.SLOWLORIS, n[0]);
      List<Conn> readers = bad.open(Kind.SLOW_READER, n[1]); // last: their downloads load the loops most
      long opened = System.nanoTime();
      bad.start();

      // Every watched connection ends; the slow readers' ends show as the proxy's count of open connections.
      Duration all = IDLE_TIMEOUT.plus(SLACK.multipliedBy(3)); // filling the buffers, then the idle timeout
      await().atMost(all.plusSeconds(10)).until(() -> proxy.clientConnections() == 1 // the normal client's
          && Stream.of(slowloris, blank, tiny, trickle).flatMap(List::stream).allMatch(c -> c.lifetimeMillis() >= 0));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);

      System.out.printf("slowloris ended after %d..%d ms, blank lines after %d ms (%d MiB sent), tiny headers %d ms (status %d after %d ms),"
          + " 1 byte/s %d ms (status %d after %d ms), all (slow readers too) %d ms; direct memory %d MiB at start, peak %d MiB%n",
          slowloris.stream().mapToLong(Conn::lifetimeMillis).min().orElse(-1), slowloris.stream().mapToLong(Conn::lifetimeMillis).max().orElse(-1),
          blank.get(0).lifetimeMillis(), blank.get(0).sent() >> 20, tiny.get(0).lifetimeMillis(), tiny.get(0).status(), tiny.get(0).answeredMillis(),
          trickle.get(0).lifetimeMillis(), trickle.get(0).status(), trickle.get(0).answeredMillis(), tookMillis, baseline >> 20, peak.get() >> 20);
      assertThat(slowloris).allSatisfy(c -> {
        assertThat(c.status()).isEqualTo(408);
        assertThat(c.lifetimeMillis()).isLessThanOrEqualTo(HEADER_TIMEOUT.plus(SLACK).toMillis());
      });
      assertThat(tiny.get(0).lifetimeMillis()).isLessThanOrEqualTo(SLACK.toMillis());
      assertThat(tiny.get(0).status()).isIn(0, 431); // 431, unless the close overtook it (a reset of unread headers)
      assertThat(trickle.get(0).status()).isEqualTo(408);
      assertThat(trickle.get(0).lifetimeMillis()).isLessThanOrEqualTo(BODY_TIMEOUT.plus(SLACK).toMillis());
      assertThat(blank.get(0).lifetimeMillis()).isLessThanOrEqualTo(HEADER_TIMEOUT.plus(SLACK).toMillis());
      assertThat(blank.get(0).sent()).isLessThanOrEqualTo(BadClients.BLANK_LINES_TOTAL);
      assertThat(tookMillis).as("the slow readers' end, by the idle timeout once their buffers are full")
          .isLessThanOrEqualTo(all.toMillis() + 1000);
      assertThat(origin.seen.stream().filter(r -> r.uri().startsWith("/download")).count())
          .as("slow readers whose big response the origin started").isEqualTo(readers.size());
    }
    // p99 is the bound; the slowest single request (seen from 0.5 s to 4.5 s: a pause of the whole JVM under the
    // slow readers' first 280 MB with paranoid leak detection) is only held to "no hang"
    normal.assertServedThroughout(200, Duration.ofMillis(500), Duration.ofSeconds(10));
    assertThat(peak.get() - baseline).as("direct memory above the start, bytes").isLessThanOrEqualTo(DIRECT_BOUND);
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.pool().snapshot().all().get(0).inFlight() == 0);
  }
}
