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
    if (path != null) {
      b.path(path);
    }
    if (interval != null) {
      b.interval(interval);
    }
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (rise != null) {
      b.rise(rise);
    }
    if (fall != null) {
      b.fall(fall);
    }
    HealthCheckSettings s = b.build();
    if (timeout != null && t != Type.NONE && timeout.compareTo(s.interval()) >= 0) {
      throw new IllegalArgumentException("health-timeout: " + Durations.format(s.timeout())
          + " (expected: less than health-interval " + Durations.format(s.interval()) + ")");
    }
    return s;
  }
}
