package dev.loadstone.lb.scaling;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the advisor sees at one moment: how many backends serve now ({@code current}: in the pool and not
 * draining), the pool's request rate, p95 and p99 response time (ms) and error ratio over the last window, and
 * each backend's load. Per-backend averages ({@link Metric#CPU}, {@link Metric#RPS_PER_BACKEND}, {@link
 * Metric#IN_FLIGHT_PER_BACKEND}) are derived here; NaN marks what is not known.
 */
public record Load(int current, double requestRate, double p95Millis, double p99Millis, double errorRate,
    List<BackendLoad> backends) {
  public Load {
    if (current < 0) {
      throw new IllegalArgumentException("current: " + current + " (expected: >= 0)");
    }
    backends = List.copyOf(backends);
  }

  /** The value of a metric now, NaN when unknown. */
  public double value(Metric m) {
    return switch (m) {
      case CPU -> backends.stream().mapToDouble(BackendLoad::cpu).filter(c -> !Double.isNaN(c)).average().orElse(Double.NaN);
      case RPS_PER_BACKEND -> current == 0 ? Double.NaN : requestRate / current;
      case RPS -> requestRate;
      case IN_FLIGHT_PER_BACKEND -> current == 0 ? Double.NaN : backends.stream().mapToInt(BackendLoad::inFlight).sum() / (double) current;
      case P95 -> p95Millis;
      case P99 -> p99Millis;
      case ERROR_RATE -> errorRate;
    };
  }

  /** Every metric's value, in declaration order (NaN when unknown). */
  public Map<Metric, Double> values() {
    Map<Metric, Double> out = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      out.put(m, value(m));
    }
    return out;
  }
}
