package dev.loadstone.session.redis;

import dev.loadstone.session.RevocationList;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Revocation lists in Redis for token sessions (session-token's {@code revocationList(...)}). */
public final class RedisRevocationLists {
  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "loadstone:revoked:";

  private RedisRevocationLists() {}

  /**
   * A revocation list in the Redis at {@code uri} ({@code redis://}, {@code rediss://} or {@code redis-sentinel://})
   * with its own connection, opened lazily and closed by {@link RevocationList#close}. Commands time out after
   * {@code timeout} and fail fast while Redis is disconnected.
   */
  public static RevocationList connect(String uri, Duration timeout) {
    return connect(uri, timeout, DEFAULT_PREFIX);
  }

  public static RevocationList connect(String uri, Duration timeout, String keyPrefix) {
    Objects.requireNonNull(uri, "uri");
    RedisSessionStoreBuilder.checkUri(uri);
    Keys.checkPrefix(keyPrefix);
    return new RedisRevocationList(new RedisConnection(new RedisConnection.Settings(uri, null, null, null, timeout,
        timeout, Duration.ofSeconds(1), Duration.ofSeconds(10), false, null)), keyPrefix);
  }

  /** The same, on a Redis Cluster given some of its nodes. */
  public static RevocationList connectCluster(List<String> seeds, Duration timeout) {
    return new RedisRevocationList(new RedisConnection(new RedisConnection.Settings(null, List.copyOf(seeds), null, null,
        timeout, timeout, Duration.ofSeconds(1), Duration.ofSeconds(10), false, null)), DEFAULT_PREFIX);
  }
}
