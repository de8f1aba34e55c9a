package dev.loadstone.session.redis;

import dev.loadstone.session.RevocationList;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@link RevocationList} in Redis: {@code SET <prefix><id> 1 PX <ttl>} and {@code EXISTS}; expiry claims with
 * {@code SET <prefix>expired:<id> 1 NX PX <ttl>}. Over a {@link RedisConnection}, so it connects lazily (a
 * store using it starts while Redis is down: its loads fail with SessionStoreUnavailableException until it is
 * up) and backs off after a failed connect like the session store.
 */
final class RedisRevocationList implements RevocationList {
  private static final byte[] ONE = {'1'};

  private final RedisConnection redis;
  private final String prefix;

  RedisRevocationList(RedisConnection redis, String prefix) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.prefix = Objects.requireNonNull(prefix, "keyPrefix");
  }

  @Override
  public CompletionStage<Void> revoke(String sessionId, Duration ttl) {
    long millis = Math.max(1, ttl.toMillis());
    return redis.guard("revocation list", redis.commands()
        .thenCompose(c -> c.set(prefix + sessionId, ONE, SetArgs.Builder.px(millis)).toCompletableFuture()))
        .thenApply(ok -> null);
  }

  @Override
  public CompletionStage<Boolean> isRevoked(String sessionId) {
    return redis.guard("revocation list", redis.commands()
        .thenCompose(c -> c.exists(prefix + sessionId).toCompletableFuture()))
        .thenApply(n -> n != null && n > 0);
  }

  @Override
  public CompletionStage<Boolean> claimExpiry(String sessionId, Duration ttl) {
    long millis = Math.max(1, ttl.toMillis());
    return redis.guard("revocation list", redis.commands()
        .thenCompose(c -> c.set(prefix + "expired:" + sessionId, ONE, SetArgs.Builder.nx().px(millis)).toCompletableFuture()))
        .thenApply("OK"::equals);
  }

  @Override
  public void close() {
    redis.close();
  }
}
