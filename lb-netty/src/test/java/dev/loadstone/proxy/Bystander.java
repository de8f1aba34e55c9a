package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * A well-behaved client beside a fault or an abusive client: on its own keep-alive connection it sends GETs one
 * after another (at most {@link #MAX} of them) and checks every answer, from {@link #start} until {@link
 * #stop}, recording each one's latency. A test starts it, waits until it runs, does the bad thing, then checks
 * with {@link #assertServedThroughout} that no request failed and the latency stayed within a bound: the fault
 * touched no one else.
 */
final class Bystander {
  static final int MAX = 20_000;
  private final InetSocketAddress proxy;
  private final String request;
  private final String expectBody;
  private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(30), 3); // guarded by this
  private final AtomicInteger served = new AtomicInteger();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stop;
  private int warmup; // requests served before the latencies counted; guarded by this

  private Bystander(InetSocketAddress proxy, String headers, String expectBody) {
    this.proxy = proxy;
    this.request = "GET /bystander HTTP/1.1\r\nHost: bystander\r\n" + headers + "\r\n";
    this.expectBody = expectBody;
    this.thread = new Thread(this::run, "bystander");
    this.thread.setDaemon(true);
  }

  /**
   * Starts sending GETs with these extra header lines (each ending in CRLF; "" for none), each to be answered
   * 200 with {@code expectBody}; returns once the first 20 were served (their latencies, a warm-up, are not
   * kept), so what follows happens while it runs.
   */
  static Bystander start(InetSocketAddress proxy, String headers, String expectBody) {
    Bystander b = new Bystander(proxy, headers, expectBody);
    b.thread.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.served.get() >= 20 || !b.failures.isEmpty());
    assertThat(b.failures).as("the bystander before the fault").isEmpty();
    synchronized (b) {
      b.latency.reset(); // the warm-up (connection, JIT) is not what the fault is judged by
      b.warmup = b.served.get();
    }
    return b;
  }

  private void run() {
    try (RawClient c = new RawClient(proxy)) {
      for (int i = 0; i < MAX && !stop; i++) {
        long t0 = System.nanoTime();
        RawClient.Response r = c.send(request).read();
        long took = System.nanoTime() - t0;
        if (r.status() != 200 || !r.body().equals(expectBody)) {
          failures.add("request " + i + ": " + r.status() + " " + r.body());
          return;
        }
        synchronized (this) {
          latency.recordValue(Math.min(took, latency.getHighestTrackableValue()));
        }
        served.incrementAndGet();
      }
    } catch (IOException | RuntimeException e) {
      failures.add("request " + served.get() + ": " + e);
    }
  }

  /** Stops after the request in progress and waits for it. */
  void stop() throws InterruptedException {
    stop = true;
    thread.join(TimeUnit.SECONDS.toMillis(15));
    assertThat(thread.isAlive()).as("the bystander's last request ended").isFalse();
  }

  /**
   * Stops, then asserts every request was answered as expected, at least {@code atLeast} after the warm-up, and
   * none of those took longer than {@code max} (p99 not more than {@code p99}).
   */
  void assertServedThroughout(int atLeast, Duration p99, Duration max) throws InterruptedException {
    stop();
    assertThat(failures).as("the bystander's failed requests").isEmpty();
    synchronized (this) {
      assertThat(served.get() - warmup).as("requests the bystander completed after its warm-up").isBetween(atLeast, MAX);
      String seen = (served.get() - warmup) + " requests after the warm-up, p50 " + latency.getValueAtPercentile(50) / 1000
          + " us, p99 " + latency.getValueAtPercentile(99) / 1000 + " us, max " + latency.getMaxValue() / 1000 + " us";
      System.out.println("bystander: " + seen); // in the test's -output.txt
      assertThat(latency.getValueAtPercentile(99)).as("bystander p99 (ns): " + seen).isLessThanOrEqualTo(p99.toNanos());
      assertThat(latency.getMaxValue()).as("bystander max (ns): " + seen).isLessThanOrEqualTo(max.toNanos());
    }
  }

  int served() {
    return served.get();
  }

  /** Waits until {@code n} requests were served after the warm-up (for a fault to hold while they are). */
  void awaitServedAfterWarmup(int n) {
    int mark;
    synchronized (this) {
      mark = warmup;
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> served.get() >= mark + n || !failures.isEmpty());
  }

  /** p99 of the latencies so far. */
  synchronized Duration p99() {
    return Duration.ofNanos(latency.getValueAtPercentile(99));
  }
}
