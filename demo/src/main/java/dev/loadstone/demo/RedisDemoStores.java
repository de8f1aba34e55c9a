package dev.loadstone.demo;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.redis.RedisSessionStore;
import java.util.ArrayList;
import java.util.List;

/** The Redis session stores of the three applications (each its own connection, as separate JVMs would). */
final class RedisDemoStores {
  private RedisDemoStores() {}

  static List<SessionStore> create(String redisUri, List<AutoCloseable> closeables) {
    List<SessionStore> stores = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      stores.add(RedisSessionStore.builder().uri(redisUri).build());
    }
    return stores;
  }
}
