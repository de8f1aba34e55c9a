package dev.loadstone.bench.session;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.redis.RedisSessionStore;
import io.lettuce.core.event.command.CommandListener;

/** The stores compared by the session benchmarks. */
public enum StoreType {
  IN_MEMORY {
    @Override
    SessionStore create(SessionFactory factory, String redisUri, CommandListener listener) {
      return InMemorySessionStore.builder().sessions(factory).build();
    }
  },
  REDIS {
    @Override
    SessionStore create(SessionFactory factory, String redisUri, CommandListener listener) {
      return RedisSessionStore.builder().uri(redisUri).sessions(factory).commandListener(listener).build();
    }
  },
  REDIS_NEAR_CACHE_TRACKING {
    @Override
    SessionStore create(SessionFactory factory, String redisUri, CommandListener listener) {
      return RedisSessionStore.builder().uri(redisUri).sessions(factory).commandListener(listener).nearCache(10_000)
          .nearCacheValidation(RedisSessionStore.NearCacheValidation.TRACKING).build();
    }
  },
  REDIS_NEAR_CACHE_VERSION_CHECK {
    @Override
    SessionStore create(SessionFactory factory, String redisUri, CommandListener listener) {
      return RedisSessionStore.builder().uri(redisUri).sessions(factory).commandListener(listener).nearCache(10_000)
          .nearCacheValidation(RedisSessionStore.NearCacheValidation.VERSION_CHECK).build();
    }
  };

  abstract SessionStore create(SessionFactory factory, String redisUri, CommandListener listener);

  boolean needsRedis() {
    return this != IN_MEMORY;
  }
}
