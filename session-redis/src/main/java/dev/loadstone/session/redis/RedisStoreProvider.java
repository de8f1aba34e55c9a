package dev.loadstone.session.redis;

import dev.loadstone.session.RevocationList;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.spi.RevocationListProvider;
import dev.loadstone.session.spi.SessionStoreProvider;
import dev.loadstone.session.spi.StoreSettings;
import java.time.Duration;

/**
 * {@code store=redis}: {@code redis.uri} ({@code redis://host:port[/db]}, {@code rediss://}, {@code
 * redis-sentinel://h1:26379,h2:26379/0#mymaster}) or {@code redis.cluster-seeds} (comma-separated), {@code
 * redis.command-timeout}, {@code redis.connect-timeout}, {@code redis.near-cache} (entries, 0 = none), {@code
 * redis.key-prefix}, {@code redis.expiry-sweep-interval}, {@code redis.moved-grace-period}. Also the revocation
 * list of token sessions at a {@code redis://} URI ({@code token.revocation-redis-uri}).
 */
public final class RedisStoreProvider implements SessionStoreProvider, RevocationListProvider {
  @Override
  public String name() {
    return "redis";
  }

  @Override
  public SessionStore create(StoreSettings settings) {
    RedisSessionStoreBuilder redis = RedisSessionStore.builder().sessions(settings.sessions());
    String uri = settings.get("redis.uri");
    if (uri != null) {
      redis.uri(uri);
    } else if (!settings.list("redis.cluster-seeds").isEmpty()) {
      redis.clusterSeeds(settings.list("redis.cluster-seeds"));
    } else {
      throw new IllegalArgumentException(
          "store: redis needs redis.uri (expected: e.g. redis://127.0.0.1:6379) or redis.cluster-seeds");
    }
    settings.optionalDuration("redis.command-timeout").ifPresent(redis::commandTimeout);
    settings.optionalDuration("redis.connect-timeout").ifPresent(redis::connectTimeout);
    settings.optionalDuration("redis.expiry-sweep-interval").ifPresent(redis::expirySweepInterval);
    settings.optionalDuration("redis.moved-grace-period").ifPresent(redis::movedGracePeriod);
    settings.optional("redis.key-prefix").ifPresent(redis::keyPrefix);
    settings.optionalLong("redis.near-cache").filter(n -> n > 0).ifPresent(redis::nearCache);
    return redis.build();
  }

  @Override
  public boolean serves(String uri) {
    return uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://")
        || uri.startsWith("rediss-sentinel://");
  }

  @Override
  public RevocationList create(String uri, StoreSettings settings) {
    Duration timeout = settings.optionalDuration("token.revocation-timeout").orElse(Duration.ofSeconds(2));
    return RedisRevocationLists.connect(uri, timeout);
  }
}
