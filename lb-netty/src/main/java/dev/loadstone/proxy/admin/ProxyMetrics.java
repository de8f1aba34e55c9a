package dev.loadstone.proxy.admin;

import dev.loadstone.health.CheckResult;
import dev.loadstone.health.HealthObserver;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.PoolSnapshot;
import dev.loadstone.lb.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's metrics in a Micrometer {@link PrometheusMeterRegistry}: per backend requests by status class,
 * failures by cause, in-flight and health gauges, a response-time histogram (with p50/p95/p99), health-check
 * durations by result; proxy-wide connections, requests, bytes, retries and the proxy's own 5xx answers.
 *
 * <p>Fed by the proxy's exchange observer and by the health checker (it is a {@link HealthObserver}). Every
 * recording method is cheap and non-blocking. Per-backend meters are dropped when the backend leaves the
 * pool. {@link #sample()} (called once a second by the admin server) keeps a 10-sample window of request
 * counts from which {@link #requestRate(String)} is derived.
 */
public final class ProxyMetrics implements HealthObserver {
  static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  private static final int RATE_SAMPLES = 10;

  private final PrometheusMeterRegistry registry;
  private final BackendPool pool;
  private final Ticker ticker;
  private final Map<String, BackendMeters> backends = new ConcurrentHashMap<>();
  private final Counter connections;
  private final AtomicLong activeConnections = new AtomicLong();
  private final Counter requests;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter retries;
  private final Map<Integer, Counter> errors = new ConcurrentHashMap<>();

  private final class BackendMeters {
    final String id;
    final Counter[] byClass = new Counter[STATUS_CLASSES.length];
    final Map<String, Counter> failures = new ConcurrentHashMap<>();
    final Timer responseTime;
    final LongAdder requestCount = new LongAdder();
    final LongAdder failureCount = new LongAdder();
    final Deque<long[]> samples = new ArrayDeque<>(); // {nanos, requests}; guarded by itself

    BackendMeters(String id) {
      this.id = id;
      for (int i = 0; i < STATUS_CLASSES.length; i++) {
        byClass[i] = Counter.builder("loadstone.backend.requests")
            .description("Responses relayed from a backend, by status class")
            .tags("backend", id, "status_class", STATUS_CLASSES[i])
            .register(registry);
      }
      responseTime = Timer.builder("loadstone.backend.response.time")
          .description("Time from sending a request to a backend until its response was relayed")
          .tag("backend", id)
          .publishPercentiles(0.5, 0.95, 0.99)
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(60))
          .register(registry);
      Gauge.builder("loadstone.backend.in.flight", pool, p -> {
            BackendState s = p.snapshot().get(id);
            return s == null ? Double.NaN : s.inFlight();
          })
          .description("Exchanges currently in progress with a backend")
          .tag("backend", id)
          .register(registry);
      Gauge.builder("loadstone.backend.health", pool, p -> {
            BackendState s = p.snapshot().get(id);
            return s == null ? Double.NaN : s.health() == Health.UP ? 1 : 0;
          })
          .description("1 when the backend passes its health checks and is not ejected, else 0")
          .tag("backend", id)
          .register(registry);
      Gauge.builder("loadstone.backend.available", pool, p -> {
            BackendState s = p.snapshot().get(id);
            return s == null ? Double.NaN : s.isAvailable() ? 1 : 0;
          })
          .description("1 when the backend takes new requests (UP and ACTIVE), else 0")
          .tag("backend", id)
          .register(registry);
    }

    Counter failure(String cause) {
      return failures.computeIfAbsent(cause, c -> Counter.builder("loadstone.backend.failures")
          .description("Failed attempts to a backend, by cause")
          .tags("backend", id, "cause", c)
          .register(registry));
    }
  }

  private ProxyMetrics(PrometheusMeterRegistry registry, BackendPool pool, Ticker ticker) {
    this.registry = registry;
    this.pool = pool;
    this.ticker = ticker;
    connections = Counter.builder("loadstone.proxy.connections").description("Client connections accepted")
        .register(registry);
    Gauge.builder("loadstone.proxy.connections.active", activeConnections, AtomicLong::get)
        .description("Client connections currently open").register(registry);
    requests = Counter.builder("loadstone.proxy.requests").description("Client requests answered")
        .register(registry);
    bytesIn = Counter.builder("loadstone.proxy.received").baseUnit("bytes")
        .description("Request body bytes received from clients").register(registry);
    bytesOut = Counter.builder("loadstone.proxy.sent").baseUnit("bytes")
        .description("Response body bytes sent to clients").register(registry);
    retries = Counter.builder("loadstone.proxy.retries").description("Requests retried on another backend")
        .register(registry);
    for (int status : new int[] {502, 503, 504}) {
      error(status);
    }
    Gauge.builder("loadstone.proxy.backends.available", pool, p -> p.snapshot().available().size())
        .description("Backends taking new requests").register(registry);
    pool.addListener((before, now) -> sync(now));
    sync(pool.snapshot());
  }

  /** Metrics over a new Prometheus registry, following the pool's membership. */
  public static ProxyMetrics create(BackendPool pool) {
    return new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), pool, pool.ticker());
  }

  static ProxyMetrics create(BackendPool pool, Ticker ticker) {
    return new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), pool, ticker);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  private synchronized void sync(PoolSnapshot now) {
    Set<String> present = new HashSet<>();
    for (BackendState s : now.all()) {
      present.add(s.id());
      backends.computeIfAbsent(s.id(), BackendMeters::new);
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
    requests.increment();
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

  /** The proxy answered with its own error status; counts the answer as a request too. */
  public void proxyError(int status) {
    requests.increment();
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
    Timer.builder("loadstone.health.check.duration")
        .description("Active health-check durations, by result")
        .tags(Tags.of("backend", backendId, "result", result.passed() ? "pass" : "fail"))
        .register(registry)
        .record(result.took());
  }

  @Override
  public void onTransition(String backendId, Health health, String reason) {
    Counter.builder("loadstone.health.transitions")
        .description("Health transitions, by new health")
        .tags("backend", backendId, "health", health.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
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

  /** The 95th percentile response time over the recent window, or null before any response. */
  public Duration p95(String backendId) {
    BackendMeters m = backends.get(backendId);
    if (m == null || m.responseTime.count() == 0) {
      return null;
    }
    for (ValueAtPercentile v : m.responseTime.takeSnapshot().percentileValues()) {
      if (v.percentile() == 0.95) {
        return Duration.ofNanos((long) v.value(TimeUnit.NANOSECONDS));
      }
    }
    return null;
  }

  /** Takes one sample of every backend's request count (the admin server calls this once a second). */
  public void sample() {
    long now = ticker.read();
    for (BackendMeters m : backends.values()) {
      synchronized (m.samples) {
        m.samples.addLast(new long[] {now, m.requestCount.sum()});
        while (m.samples.size() > RATE_SAMPLES + 1) {
          m.samples.removeFirst();
        }
      }
    }
  }

  /** Requests per second to this backend over the sampled window (up to 10 samples); 0 before two samples. */
  public double requestRate(String backendId) {
    BackendMeters m = backends.get(backendId);
    if (m == null) {
      return 0;
    }
    synchronized (m.samples) {
      if (m.samples.size() < 2) {
        return 0;
      }
      long[] first = m.samples.peekFirst();
      long[] last = m.samples.peekLast();
      long nanos = last[0] - first[0];
      return nanos <= 0 ? 0 : (last[1] - first[1]) * 1e9 / nanos;
    }
  }
}
