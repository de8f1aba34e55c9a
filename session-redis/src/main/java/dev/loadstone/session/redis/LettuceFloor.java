package dev.loadstone.session.redis;

import io.lettuce.core.RedisClient;

/**
 * The oldest Lettuce this module runs on: 6.6 (Spring Boot 3.5's; tested with 6.6, 6.8 (Spring Boot 4.0's) and 7.7).
 * A framework's dependency management may replace the Lettuce this module was built with; an older one fails at
 * start-up with this message rather than later with a {@code NoSuchMethodError} in a request.
 */
final class LettuceFloor {
  static final int MAJOR = 6;
  static final int MINOR = 6;

  private LettuceFloor() {}

  static void check() {
    check(RedisClient.class.getPackage().getImplementationVersion());
  }

  /** {@code version} as in Lettuce's manifest ({@code 6.8.2.RELEASE/34f8700}); null or unreadable is let through. */
  static void check(String version) {
    if (version == null) {
      return;
    }
    String[] parts = version.split("[./]");
    if (parts.length < 2) {
      return;
    }
    int major;
    int minor;
    try {
      major = Integer.parseInt(parts[0]);
      minor = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return;
    }
    if (major < MAJOR || (major == MAJOR && minor < MINOR)) {
      throw new IllegalStateException("Lettuce " + version + " is on the classpath (expected: io.lettuce:lettuce-core "
          + MAJOR + "." + MINOR + " or newer for session-redis; Spring Boot 3.5 and 4.0 select 6.6 and 6.8)");
    }
  }
}
