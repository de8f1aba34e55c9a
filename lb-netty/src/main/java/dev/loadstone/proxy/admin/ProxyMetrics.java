package dev.loadstone.proxy.admin;

import dev.loadstone.health.CheckResult;
import dev.loadstone.health.HealthObserver;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.PoolSnapshot;
import dev.loadstone.lb.Ticker;
import dev.loadstone.proxy.ProxyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proxy's metrics in a Micrometer {@link PrometheusMeterRegistry}: per backend requests by status class,
 * failures by cause, in-flight and health gauges, a response-time histogram over a few SLO-style buckets
 * (configurable, 11 by default: one series per bucket, not Micrometer's 70-odd), health-check durations by
 * result; proxy-wide connections, requests by status class, bytes, retries and the proxy's own error answers;
 * and the JVM, process and Netty allocator meters of Micrometer's binders. Every counter a label set can take
 * is registered at zero when its backend joins (or at start), so rates and alerts see it before its first event.
 *
 * <p>Fed by the proxy's exchange observer and by the health checker (it is a {@link HealthObserver}). Every
 * recording method is cheap and non-blocking. Per-backend meters are dropped when the backend leaves the
 * pool. {@link #sample()} (called once a second by the admin server) closes one second of each backend's
 * {@link BackendHistory}, from which the status page's rates, p95 and charts come.
 */
public final class ProxyMetrics implements HealthObserver {
  static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  /** Every status the proxy answers by itself (lb-netty/README.md, "Errors the proxy answers itself"). */
  static final int[] OWN_STATUSES = {400, 405, 408, 413, 414, 417, 431, 501, 502, 503, 504};
  private static final int RATE_SECONDS = 10;

  private final PrometheusMeterRegistry registry;
  private final BackendPool pool;
  private final Ticker ticker;
  private final Map<String, BackendMeters> backends = new ConcurrentHashMap<>();
  private final Counter connections;
  private final AtomicLong activeConnections = new AtomicLong();
  private final Counter[] requests = new Counter[STATUS_CLASSES.length];
  private final List<Duration> buckets;
  private final List<AutoCloseable> binders = new ArrayList<>();
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter retries;
  private final Counter acceptPaused;
  private final Counter queued;
  private final Counter http2Connections;
  private final Map<Integer, Counter> errors = new ConcurrentHashMap<>();
  /** Read by the server's counters below; set by {@link #serverCounters} once the proxy runs. */
  private volatile java.util.function.LongSupplier accessLogDropped = () -> 0;
  private volatile java.util.function.LongSupplier acceptErrors = () -> 0;
  private volatile java.util.function.IntSupplier queueSize = () -> 0;

  private boolean jvmBound; // guarded by this

  private ProxyMetrics(PrometheusMeterRegistry registry, BackendPool pool, Ticker ticker, List<Duration> buckets, boolean jvmNow) {
    this.registry = registry;
    JvmAndProcess.filters(registry);
    this.pool = pool;
    this.ticker = ticker;
    this.buckets = List.copyOf(buckets);
    connections = Counter.builder("loadstone.proxy.connections").description("Client connections accepted")
        .register(registry);
    Gauge.builder("loadstone.proxy.connections.active", activeConnections, AtomicLong::get)
        .description("Client connections currently open").register(registry);
    for (int i = 0; i < STATUS_CLASSES.length; i++) {
      requests[i] = Counter.builder("loadstone.proxy.requests").description("Client requests answered, by status class")
          .tag("status_class", STATUS_CLASSES[i]).register(registry);
    }
    bytesIn = Counter.builder("loadstone.proxy.received").baseUnit("bytes")
        .description("Request body bytes received from clients").register(registry);
    bytesOut = Counter.builder("loadstone.proxy.sent").baseUnit("bytes")
        .description("Response body bytes sent to clients").register(registry);
    retries = Counter.builder("loadstone.proxy.retries").description("Requests retried on another backend")
        .register(registry);
    queued = Counter.builder("loadstone.proxy.queued")
        .description("Requests that waited in the queue because every backend was at backend-max-connections")
        .register(registry);
    http2Connections = Counter.builder("loadstone.proxy.http2.connections")
        .description("Client connections that speak HTTP/2 (their streams count as requests like HTTP/1.1 ones)")
        .register(registry);
    Gauge.builder("loadstone.proxy.queue.size", this, m -> m.queueSize.getAsInt())
        .description("Requests waiting now in the queue for a backend below backend-max-connections").register(registry);
    acceptPaused = Counter.builder("loadstone.proxy.accept.paused")
        .description("Times the listener stopped accepting because max-connections client connections were open")
        .register(registry);
    for (int status : OWN_STATUSES) {
      error(status);
    }
    FunctionCounter.builder("loadstone.access.log.dropped", this, m -> m.accessLogDropped.getAsLong())
        .description("Access log lines dropped: its queue was full or a write failed").register(registry);
    FunctionCounter.builder("loadstone.proxy.accept.errors", this, m -> m.acceptErrors.getAsLong())
        .description("Client connections that could not be accepted (mostly: at the file descriptor limit)").register(registry);
    Gauge.builder("loadstone.proxy.backends.available", pool, p -> p.snapshot().available().size())
        .description("Backends taking new requests").register(registry);
    pool.addListener((before, now) -> sync(now));
    sync(pool.snapshot());
    if (jvmNow) {
      bindJvmAndProcess();
    }
  }

  /** Metrics over a new Prometheus registry, following the pool's membership, with the default latency buckets. */
  public static ProxyMetrics create(BackendPool pool) {
    return create(pool, ProxyConfig.DEFAULT_LATENCY_BUCKETS);
  }

  /** Metrics with these response-time bucket bounds (increasing). */
  public static ProxyMetrics create(BackendPool pool, List<Duration> latencyBuckets) {
    return new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), pool, pool.ticker(), latencyBuckets, true);
  }

  /**
   * Metrics whose JVM, process and Netty allocator meters are bound by {@link #bindJvmAndProcess()} (or the
   * first {@link #scrape()}): {@link ProxyOperations#start()} binds them once the proxy listens, since binding
   * them (the platform MXBeans, a GC listener) is a tenth of a second that the proxy's first request need not wait.
   */
  static ProxyMetrics createBindingJvmLater(BackendPool pool, List<Duration> latencyBuckets) {
    return new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), pool, pool.ticker(), latencyBuckets, false);
  }

  /** Binds Micrometer's JVM, process and Netty allocator meters ({@link JvmAndProcess}), once. */
  public synchronized void bindJvmAndProcess() {
    if (!jvmBound) {
      jvmBound = true;
      JvmAndProcess.bind(registry, binders);
    }
  }

  static ProxyMetrics create(BackendPool pool, Ticker ticker) {
    return new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), pool, ticker, ProxyConfig.DEFAULT_LATENCY_BUCKETS, true);
  }

  /** Where the access log's dropped lines and the listener's accept errors are counted (the running proxy's). */
  public void serverCounters(java.util.function.LongSupplier dropped, java.util.function.LongSupplier acceptFailures) {
    accessLogDropped = java.util.Objects.requireNonNull(dropped, "dropped");
    acceptErrors = java.util.Objects.requireNonNull(acceptFailures, "acceptFailures");
  }

  /** Where {@code loadstone_proxy_queue_size} reads the current queue length (the proxy's, once it runs). */
  public void queueSize(java.util.function.IntSupplier size) {
    queueSize = java.util.Objects.requireNonNull(size, "size");
  }

  /** Stops the binders that hold resources (the GC listener). */
  public synchronized void close() {
    for (AutoCloseable b : binders) {
      try {
        b.close();
      } catch (Exception ignored) {
        // nothing left to release
      }
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    bindJvmAndProcess(); // a no-op once bound
    return registry.scrape();
  }

  private synchronized void sync(PoolSnapshot now) {
    Set<String> present = new HashSet<>();
    for (BackendState s : now.all()) {
      present.add(s.id());
      backends.computeIfAbsent(s.id(), id -> new BackendMeters(registry, pool, id, buckets, ticker.read()));
    }
    for (String id : Set.copyOf(backends.keySet())) {
      if (!present.contains(id)) {
        backends.remove(id);
        registry.getMeters().stream()
            .filter(m -> id.equals(m.getId().getTag("backend")))
            .forEach(registry::remove);
      }
    }
  }

  private BackendMeters meters(String backendId) {
    return backends.get(backendId); // null once the backend has left the pool: late reports are dropped
  }

  // ------------------------------------------------------------------ recording (the proxy's observer calls these)

  public void connectionOpened() {
    connections.increment();
    activeConnections.incrementAndGet();
  }

  public void connectionClosed() {
    activeConnections.decrementAndGet();
  }

  /** A backend's response was fully relayed to the client. */
  public void exchangeCompleted(String backendId, int status, long durationNanos, long bytesInCount, long bytesOutCount) {
    countRequest(status);
    if (bytesInCount > 0) {
      bytesIn.increment(bytesInCount);
    }
    if (bytesOutCount > 0) {
      bytesOut.increment(bytesOutCount);
    }
    BackendMeters m = meters(backendId);
    if (m == null) {
      return;
    }
    int cls = status / 100 - 1;
    if (cls >= 0 && cls < STATUS_CLASSES.length) {
      m.byClass[cls].increment();
    }
    m.requestCount.increment();
    if (status >= 500) {
      m.failureCount.increment();
    }
    m.responseTime.record(durationNanos, TimeUnit.NANOSECONDS);
    m.history.record(status, durationNanos);
  }

  private void countRequest(int status) {
    int cls = status / 100 - 1;
    if (cls >= 0 && cls < STATUS_CLASSES.length) {
      requests[cls].increment();
    }
  }

  /** An attempt to a backend failed ({@code cause} e.g. {@code connect_failed}, {@code response_timeout}). */
  public void backendFailed(String backendId, String cause) {
    BackendMeters m = meters(backendId);
    if (m == null) {
      return;
    }
    m.failureCount.increment();
    m.failure(cause.toLowerCase(Locale.ROOT)).increment();
  }

  public void retried() {
    retries.increment();
  }

  public void http2ConnectionOpened() {
    http2Connections.increment();
  }

  public void queued() {
    queued.increment();
  }

  public void acceptPaused() {
    acceptPaused.increment();
  }

  /** The proxy answered with its own error status; counts the answer as a request too. */
  public void proxyError(int status) {
    countRequest(status);
    error(status).increment();
  }

  private Counter error(int status) {
    return errors.computeIfAbsent(status, s -> Counter.builder("loadstone.proxy.errors")
        .description("Error responses produced by the proxy itself, by status")
        .tag("status", Integer.toString(s))
        .register(registry));
  }

  @Override
  public void onCheck(String backendId, CheckResult result) {
    if (backends.containsKey(backendId)) { // a late result for a removed backend must not bring its series back
      BackendMeters.checkTimer(registry, backendId, result.passed() ? "pass" : "fail").record(result.took());
    }
  }

  @Override
  public void onTransition(String backendId, Health health, String reason) {
    if (backends.containsKey(backendId)) {
      BackendMeters.transitions(registry, backendId, health).increment();
    }
  }

  // ------------------------------------------------------------------ reads (admin API and status page)

  /** Responses relayed from this backend since it joined (or 0). */
  public long requests(String backendId) {
    BackendMeters m = backends.get(backendId);
    return m == null ? 0 : m.requestCount.sum();
  }

  /** Failed attempts (connect failures, timeouts, resets, 5xx responses) to this backend since it joined. */
  public long failures(String backendId) {
    BackendMeters m = backends.get(backendId);
    return m == null ? 0 : m.failureCount.sum();
  }

  /** The 95th percentile response time over the last 10 s, or null without a response in that time. */
  public Duration p95(String backendId) {
    BackendMeters m = backends.get(backendId);
    double ms = m == null ? Double.NaN : m.history.p95Millis();
    return Double.isNaN(ms) ? null : Duration.ofNanos((long) (ms * 1e6));
  }

  /**
   * Pool-wide response-time percentiles over the last 10 s in milliseconds (every backend's responses in one
   * histogram), e.g. {@code latencyMillis(95, 99)}; NaN without a response in that time.
   */
  public double[] latencyMillis(double... percentiles) {
    org.HdrHistogram.Histogram all = new org.HdrHistogram.Histogram(1, TimeUnit.MINUTES.toNanos(10), 2);
    for (BackendMeters m : backends.values()) {
      m.history.addRecentTo(all);
    }
    double[] out = new double[percentiles.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.getTotalCount() == 0 ? Double.NaN : all.getValueAtPercentile(percentiles[i]) / 1e6;
    }
    return out;
  }

  /** Closes one second of every backend's history (the admin server calls this once a second). */
  public void sample() {
    long now = ticker.read();
    for (BackendMeters m : backends.values()) {
      m.history.sample(now);
    }
  }

  /** Responses per second from this backend over the last 10 s (0 before the first sample). */
  public double requestRate(String backendId) {
    double sum = 0;
    for (double r : rates(backendId)) {
      sum += r;
    }
    return sum;
  }

  /** Responses per second by status class (1xx..5xx) over the last 10 s. */
  public double[] rates(String backendId) {
    BackendMeters m = backends.get(backendId);
    return m == null ? new double[STATUS_CLASSES.length] : m.history.rates(RATE_SECONDS);
  }

  /** The last {@code seconds} one-second samples, oldest first: {requests per second[], p95 ms[] (NaN: none)}. */
  public double[][] history(String backendId, int seconds) {
    BackendMeters m = backends.get(backendId);
    return m == null ? new double[2][0] : m.history.series(seconds);
  }
}
