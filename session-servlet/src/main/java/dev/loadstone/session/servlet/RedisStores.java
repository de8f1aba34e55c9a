package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.redis.RedisSessionStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code store=redis} init parameters: {@code redis.uri} (or {@code redis.cluster-seeds}, comma-separated),
 * {@code redis.command-timeout}, {@code redis.near-cache} (maximum entries, 0 = none).
 */
final class RedisStores {
  private RedisStores() {}

  static SessionStore fromInitParameters(Function<String, String> params, Duration idle, Duration absolute) {
    RedisSessionStore.Builder redis = RedisSessionStore.builder().sessions(sessions(idle, absolute));
    String uri = params.apply("redis.uri");
    String seeds = params.apply("redis.cluster-seeds");
    if (uri == null && seeds == null) {
      throw new IllegalArgumentException(
          "store: redis needs redis.uri (expected: e.g. redis://127.0.0.1:6379) or redis.cluster-seeds");
    }
    if (uri != null) {
      redis.uri(uri.strip());
    } else {
      List<String> list = Arrays.stream(seeds.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
      redis.clusterSeeds(list);
    }
    String timeout = params.apply("redis.command-timeout");
    if (timeout != null) {
      redis.commandTimeout(FilterSettings.duration("redis.command-timeout", timeout));
    }
    String nearCache = params.apply("redis.near-cache");
    if (nearCache != null) {
      long size;
      try {
        size = Long.parseLong(nearCache.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("redis.near-cache: '" + nearCache + "' (expected: a number of entries)", e);
      }
      if (size > 0) {
        redis.nearCache(size);
      }
    }
    return redis.build();
  }

  /** A spill store for tokens: {@code token.spill-redis-uri}. */
  static SessionStore spill(String uri, Duration idle, Duration absolute) {
    return RedisSessionStore.builder().sessions(sessions(idle, absolute)).uri(uri.strip()).build();
  }

  static SessionFactory sessions(Duration idle, Duration absolute) {
    SessionFactory.Builder sessions = SessionFactory.builder();
    if (idle != null) {
      sessions.idleTimeout(idle);
    }
    if (absolute != null) {
      sessions.absoluteTimeout(absolute);
    }
    return sessions.build();
  }
}
