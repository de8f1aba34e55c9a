package dev.loadstone.proxy.admin;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.Health;
import dev.loadstone.proxy.FailureCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend's meters, all registered when it joins the pool (every status class, failure cause, check result
 * and health transition at 0), its counters for the API and its per-second {@link BackendHistory}.
 */
final class BackendMeters {
  final String id;
  final Counter[] byClass = new Counter[ProxyMetrics.STATUS_CLASSES.length];
  final Map<String, Counter> failures = new ConcurrentHashMap<>();
  final Timer responseTime;
  final LongAdder requestCount = new LongAdder();
  final LongAdder failureCount = new LongAdder();
  final BackendHistory history;
  private final MeterRegistry registry;

  BackendMeters(MeterRegistry registry, BackendPool pool, String id, List<Duration> buckets, long now) {
    this.registry = registry;
    this.id = id;
    this.history = new BackendHistory(now);
    for (int i = 0; i < ProxyMetrics.STATUS_CLASSES.length; i++) {
      byClass[i] = Counter.builder("loadstone.backend.requests")
          .description("Responses relayed from a backend, by status class")
          .tags("backend", id, "status_class", ProxyMetrics.STATUS_CLASSES[i])
          .register(registry);
    }
    responseTime = Timer.builder("loadstone.backend.response.time")
        .description("Time from sending a request to a backend until its response was relayed")
        .tag("backend", id)
        .serviceLevelObjectives(buckets.toArray(new Duration[0]))
        .register(registry);
    for (FailureCause c : FailureCause.values()) {
      failure(c.name().toLowerCase(Locale.ROOT));
    }
    for (String result : new String[] {"pass", "fail"}) {
      checkTimer(registry, id, result);
    }
    for (Health h : Health.values()) {
      transitions(registry, id, h);
    }
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

  static Timer checkTimer(MeterRegistry registry, String backendId, String result) {
    return Timer.builder("loadstone.health.check.duration")
        .description("Active health-check durations, by result")
        .tags(Tags.of("backend", backendId, "result", result))
        .register(registry);
  }

  static Counter transitions(MeterRegistry registry, String backendId, Health health) {
    return Counter.builder("loadstone.health.transitions")
        .description("Health transitions, by new health")
        .tags("backend", backendId, "health", health.name().toLowerCase(Locale.ROOT))
        .register(registry);
  }
}
