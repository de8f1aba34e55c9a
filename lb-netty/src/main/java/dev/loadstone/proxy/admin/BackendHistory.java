package dev.loadstone.proxy.admin;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One backend's recent past, for the status page and the API: per-second samples of responses by status class
 * and of the 95th percentile response time, over the last {@link #SECONDS} seconds. The proxy's threads record
 * into a HdrHistogram {@link Recorder} (wait-free) and {@link LongAdder}s; {@link #sample} (once a second, one
 * thread) takes the interval's histogram and counts into a ring. Reads copy the ring under its monitor.
 */
final class BackendHistory {
  /** How many one-second samples are kept: five minutes. */
  static final int SECONDS = 300;
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Recorder latencies = new Recorder(1, MAX_NANOS, 2);
  private final LongAdder[] byClass = new LongAdder[ProxyMetrics.STATUS_CLASSES.length];
  private final long[][] counts = new long[SECONDS][ProxyMetrics.STATUS_CLASSES.length]; // guarded by this
  private final double[] p95Millis = new double[SECONDS]; // NaN: no response that second; guarded by this
  private final long[] elapsed = new long[SECONDS]; // nanos since the sample before (or creation); guarded by this
  private long lastSampleAt;
  private final long[] totals = new long[ProxyMetrics.STATUS_CLASSES.length]; // class totals at the last sample
  private final Histogram recent = new Histogram(1, MAX_NANOS, 2); // the last 10 s, for p95(); guarded by this
  private final Histogram[] perSecond = new Histogram[10];
  private Histogram recycle;
  private int next; // ring index of the next sample
  private int filled;

  /** {@code createdAt}: ticker time from which the first sample counts. */
  BackendHistory(long createdAt) {
    this.lastSampleAt = createdAt;
    for (int i = 0; i < byClass.length; i++) {
      byClass[i] = new LongAdder();
    }
    java.util.Arrays.fill(p95Millis, Double.NaN);
  }

  /** A response with this status took {@code nanos} (request sent until response relayed). */
  void record(int status, long nanos) {
    int cls = status / 100 - 1;
    if (cls >= 0 && cls < byClass.length) {
      byClass[cls].increment();
    }
    latencies.recordValue(Math.max(1, Math.min(nanos, MAX_NANOS)));
  }

  /** Closes the current sample at ticker time {@code now} (normally one second after the previous one). */
  synchronized void sample(long now) {
    elapsed[next] = Math.max(0, now - lastSampleAt);
    lastSampleAt = now;
    Histogram h = latencies.getIntervalHistogram(recycle);
    long[] c = counts[next];
    for (int i = 0; i < c.length; i++) {
      long total = byClass[i].sum();
      c[i] = total - totals[i];
      totals[i] = total;
    }
    p95Millis[next] = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(95) / 1e6;
    Histogram old = perSecond[next % perSecond.length];
    perSecond[next % perSecond.length] = h;
    recent.reset();
    for (Histogram s : perSecond) {
      if (s != null) {
        recent.add(s);
      }
    }
    recycle = old;
    next = (next + 1) % SECONDS;
    filled = Math.min(filled + 1, SECONDS);
  }

  /** Responses per second by status class (1xx..5xx) over the last {@code seconds} samples (0 before two samples). */
  synchronized double[] rates(int seconds) {
    int n = Math.min(seconds, filled);
    double[] r = new double[byClass.length];
    long nanos = 0;
    for (int k = 1; k <= n; k++) {
      int i = (next - k + SECONDS) % SECONDS;
      nanos += elapsed[i];
      for (int c = 0; c < r.length; c++) {
        r[c] += counts[i][c];
      }
    }
    for (int c = 0; c < r.length; c++) {
      r[c] = nanos == 0 ? 0 : r[c] * 1e9 / nanos;
    }
    return r;
  }

  /** The 95th percentile over the last 10 s in milliseconds, or NaN without a response in that time. */
  synchronized double p95Millis() {
    return recent.getTotalCount() == 0 ? Double.NaN : recent.getValueAtPercentile(95) / 1e6;
  }

  /** Adds the last 10 s of response times to {@code into} (the pool-wide percentiles of the scaling advisor). */
  synchronized void addRecentTo(Histogram into) {
    into.add(recent);
  }

  /** The last {@code n} seconds, oldest first: requests per second (all classes) and p95 in ms (NaN: none). */
  synchronized double[][] series(int n) {
    int m = Math.min(n, filled);
    double[][] out = new double[2][m];
    for (int k = 0; k < m; k++) {
      int i = (next - m + k + SECONDS) % SECONDS;
      long sum = 0;
      for (long x : counts[i]) {
        sum += x;
      }
      out[0][k] = elapsed[i] == 0 ? 0 : sum * 1e9 / elapsed[i];
      out[1][k] = p95Millis[i];
    }
    return out;
  }
}
