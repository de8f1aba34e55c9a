package dev.loadstone.lb.scaling;

import java.util.Locale;

/**
 * A signal the advisor's rules read from a {@link Load}: pool-wide averages per serving backend (CPU, request
 * rate, in-flight), response-time percentiles and the error ratio. NaN means "not known now" (no backend
 * reports CPU, no response in the window): a rule on an unknown metric has no opinion.
 */
public enum Metric {
  /** Mean CPU utilization the backends report, 0..1 (written {@code 70%} or {@code 0.7}). */
  CPU("cpu", Unit.RATIO),
  /** Requests per second per backend. */
  RPS_PER_BACKEND("rps-per-backend", Unit.NUMBER),
  /** Requests per second over the pool. */
  RPS("rps", Unit.NUMBER),
  /** Mean in-flight requests per backend. */
  IN_FLIGHT_PER_BACKEND("in-flight-per-backend", Unit.NUMBER),
  /** 95th percentile response time, milliseconds (written {@code 500ms} or {@code 0.5s}). */
  P95("p95", Unit.MILLIS),
  /** 99th percentile response time, milliseconds. */
  P99("p99", Unit.MILLIS),
  /** Share of responses that failed (5xx or no response), 0..1. */
  ERROR_RATE("error-rate", Unit.RATIO);

  /** How a value is written in a rule and shown in a reason. */
  enum Unit {
    RATIO,
    NUMBER,
    MILLIS
  }

  private final String key;
  private final Unit unit;

  Metric(String key, Unit unit) {
    this.key = key;
    this.unit = unit;
  }

  /** The name in rules and in the API: {@code cpu}, {@code rps-per-backend}, {@code p95}, ... */
  public String key() {
    return key;
  }

  Unit unit() {
    return unit;
  }

  public static Metric parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (Metric m : values()) {
      if (m.key.equals(t)) {
        return m;
      }
    }
    throw new IllegalArgumentException("metric: '" + text + "' (expected: one of cpu, rps-per-backend, rps, in-flight-per-backend, p95, p99, error-rate)");
  }

  /** Reads a threshold or target: {@code 70%} / {@code 0.7} for ratios, {@code 500ms} / {@code 1.5s} for times. */
  double parseValue(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      double v;
      if (unit == Unit.RATIO && t.endsWith("%")) {
        v = Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100;
      } else if (unit == Unit.MILLIS && t.endsWith("ms")) {
        v = Double.parseDouble(t.substring(0, t.length() - 2).trim());
      } else if (unit == Unit.MILLIS && t.endsWith("s")) {
        v = Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000;
      } else if (unit == Unit.MILLIS) {
        throw new NumberFormatException("no unit");
      } else {
        v = Double.parseDouble(t);
      }
      if (v >= 0 && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(key + " value: '" + text + "' (expected: " + switch (unit) {
      case RATIO -> "a share such as 70% or 0.7";
      case MILLIS -> "a time such as 500ms or 1.5s";
      case NUMBER -> "a number >= 0";
    } + ")");
  }

  /** A value as a reason shows it: {@code 72%}, {@code 512ms}, {@code 180.5}. */
  String format(double v) {
    return switch (unit) {
      case RATIO -> trim(v * 100) + "%";
      case MILLIS -> trim(v) + "ms";
      case NUMBER -> trim(v);
    };
  }

  private static String trim(double v) {
    double r = Math.round(v * 10) / 10.0;
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }
}
