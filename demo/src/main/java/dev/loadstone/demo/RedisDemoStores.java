package dev.loadstone.demo;

import dev.loadstone.session.SessionStore;
import java.util.List;

/** The Redis session stores of the three applications. */
final class RedisDemoStores {
  private RedisDemoStores() {}

  static List<SessionStore> create(String redisUri, List<AutoCloseable> closeables) {
    throw new IllegalArgumentException("store redis: the Redis session store is not in this build yet "
        + "(use --store token; --redis then backs token revocation)");
  }
}
