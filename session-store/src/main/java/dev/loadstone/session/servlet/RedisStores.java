package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;
import java.time.Duration;
import java.util.function.Function;

/** The {@code store=redis} init parameters. */
final class RedisStores {
  private RedisStores() {}

  static SessionStore fromInitParameters(Function<String, String> params, Duration idle, Duration absolute) {
    throw new IllegalArgumentException("store: redis (not available in this build yet)");
  }
}
