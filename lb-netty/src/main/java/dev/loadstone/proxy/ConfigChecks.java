package dev.loadstone.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The single-value checks of {@link ProxyConfigBuilder}: each names the key, the value and what was expected. */
final class ConfigChecks {
  private ConfigChecks() {}

  /** A builder option may be set once (a second call is a programming error, not a config value). */
  static <T> T once(Object current, String name, T value) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set");
    }
    return value;
  }

  static void once(Object current, String name) {
    once(current, name, null);
  }

  static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + Durations.format(d) + " (expected: > 0)");
    }
    return d;
  }

  static Duration notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + Durations.format(d) + " (expected: >= 0)");
    }
    return d;
  }

  /** {@code n >= 0}; {@code meaning} (e.g. {@code ", 0 = no limit"}) follows the expectation in the message. */
  static <N extends Number> N notNegative(String name, N n, String meaning) {
    if (n.longValue() < 0) {
      throw new IllegalArgumentException(name + ": " + n + " (expected: >= 0" + meaning + ")");
    }
    return n;
  }

  static Duration atLeast(String name, Duration d, Duration min) {
    if (Objects.requireNonNull(d, name).compareTo(min) < 0) {
      throw new IllegalArgumentException(name + ": " + Durations.format(d) + " (expected: >= " + Durations.format(min) + ")");
    }
    return d;
  }

  static int range(String name, int n, int min, int max) {
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + ": " + n + " (expected: " + min + ".." + max + ")");
    }
    return n;
  }

  /** Latency histogram bounds: 1 to 30 durations, each > 0, in increasing order. */
  static List<Duration> buckets(String name, List<Duration> bounds) {
    Objects.requireNonNull(bounds, name);
    if (bounds.isEmpty() || bounds.size() > 30) {
      throw new IllegalArgumentException(name + ": " + bounds.size() + " bounds (expected: 1..30, e.g. [50ms, 100ms, 250ms, 1s])");
    }
    List<Duration> out = new ArrayList<>(bounds.size());
    for (Duration d : bounds) {
      positive(name, d);
      if (!out.isEmpty() && d.compareTo(out.get(out.size() - 1)) <= 0) {
        throw new IllegalArgumentException(name + ": " + Durations.format(d) + " after " + Durations.format(out.get(out.size() - 1))
            + " (expected: increasing bounds)");
      }
      out.add(d);
    }
    return List.copyOf(out);
  }
}
