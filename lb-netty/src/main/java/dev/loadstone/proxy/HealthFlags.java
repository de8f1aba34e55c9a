package dev.loadstone.proxy;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.health.HealthCheckSettings.Type;
import java.time.Duration;
import java.util.Locale;

/** Collects the {@code health-*} settings (flags and YAML) and turns them into {@link HealthCheckSettings}. */
final class HealthFlags {
  String type;
  String path;
  Duration interval;
  Duration timeout;
  Integer rise;
  Integer fall;

  /**
   * {@code type} is {@code http}, {@code tcp} or {@code none}; when it is not given the check is HTTP if a
   * path is given and a TCP connect otherwise (every backend accepts a connect; not every one answers
   * {@code GET /} with 2xx/3xx). A health-timeout that is set must be below the interval: a check that may
   * take as long as the interval no longer runs every interval (checks never overlap, so the next one waits).
   * The 1 s default never fails a shorter interval.
   */
  HealthCheckSettings build() {
    Type t;
    if (type == null) {
      t = path != null ? Type.HTTP : Type.TCP;
    } else {
      try {
        t = Type.valueOf(type.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("health-type: '" + type + "' (expected: http, tcp or none)");
      }
    }
    if (path != null && t != Type.HTTP) {
      throw new IllegalArgumentException(
          "health-path: '" + path + "' (expected: only with health-type http, not " + t.name().toLowerCase(Locale.ROOT) + ")");
    }
    HealthCheckSettings.Builder b = HealthCheckSettings.builder().type(t);
    set("health-path", path, b::path);
    set("health-interval", interval, b::interval);
    set("health-timeout", timeout, b::timeout);
    set("health-rise", rise, b::rise);
    set("health-fall", fall, b::fall);
    HealthCheckSettings s = b.build();
    if (timeout != null && t != Type.NONE && timeout.compareTo(s.interval()) >= 0) {
      throw new IllegalArgumentException("health-timeout: " + Durations.format(s.timeout())
          + " (expected: less than health-interval " + Durations.format(s.interval()) + ")");
    }
    return s;
  }

  /**
   * Passes a value that was set to the health-check builder; its complaint ({@code health interval: PT0S
   * (expected: > 0)}) is told again with the key as written and the value as the user wrote it.
   */
  private static <T> void set(String key, T value, java.util.function.Consumer<T> to) {
    if (value == null) {
      return;
    }
    try {
      to.accept(value);
    } catch (IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      int expected = m.indexOf("(expected");
      throw new IllegalArgumentException(key + ": " + (value instanceof String ? "'" + value + "'" : Shown.text(value))
          + (expected < 0 ? " (" + m + ")" : " " + m.substring(expected)), e);
    }
  }
}
