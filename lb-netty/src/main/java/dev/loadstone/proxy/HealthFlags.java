package dev.loadstone.proxy;

import dev.loadstone.health.HealthCheckSettings;
import java.util.Locale;

/** Turns the {@code health-*} flags and YAML keys into {@link HealthCheckSettings}. */
final class HealthFlags {
  private HealthFlags() {}

  /**
   * {@code type} is {@code http}, {@code tcp} or {@code none}; when it is not given the check is HTTP if a
   * path is given and a TCP connect otherwise (every backend accepts a connect; not every one answers
   * {@code GET /} with 2xx/3xx).
   */
  static HealthCheckSettings settings(String type, String path, String interval, String timeout, Integer rise, Integer fall) {
    HealthCheckSettings.Type t;
    if (type == null) {
      t = path != null ? HealthCheckSettings.Type.HTTP : HealthCheckSettings.Type.TCP;
    } else {
      try {
        t = HealthCheckSettings.Type.valueOf(type.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("health-type: '" + type + "' (expected: http, tcp or none)");
      }
    }
    if (path != null && t != HealthCheckSettings.Type.HTTP) {
      throw new IllegalArgumentException(
          "health-path: '" + path + "' (expected: only with health-type http, not " + t.name().toLowerCase(Locale.ROOT) + ")");
    }
    HealthCheckSettings.Builder b = HealthCheckSettings.builder().type(t);
    if (path != null) {
      b.path(path);
    }
    if (interval != null) {
      b.interval(Durations.parse("health-interval", interval));
    }
    if (timeout != null) {
      b.timeout(Durations.parse("health-timeout", timeout));
    }
    if (rise != null) {
      b.rise(rise);
    }
    if (fall != null) {
      b.fall(fall);
    }
    return b.build();
  }
}
