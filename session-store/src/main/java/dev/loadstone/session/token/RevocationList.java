package dev.loadstone.session.token;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where invalidated token sessions are remembered until their tokens could no longer verify anyway. Stages
 * fail with {@link dev.loadstone.session.SessionStoreUnavailableException} when the list cannot be reached.
 */
public interface RevocationList extends AutoCloseable {

  /** Records that every token of session {@code sessionId} is void for {@code ttl}. */
  CompletionStage<Void> revoke(String sessionId, Duration ttl);

  /** Whether the session was revoked (and the record has not expired yet). */
  CompletionStage<Boolean> isRevoked(String sessionId);

  @Override
  default void close() {}

  /**
   * A revocation list in Redis: one key {@code <prefix><sessionId>} per revoked session, expiring with its
   * last token. The connection stays the caller's (not closed by {@link #close}).
   */
  static RevocationList redis(StatefulRedisConnection<String, String> connection, String keyPrefix) {
    return new RedisRevocationList(connection, keyPrefix, null);
  }

  /**
   * A revocation list in the Redis at {@code redisUri} (e.g. {@code redis://127.0.0.1:6379}) with its own
   * connection, closed by {@link #close}. Commands fail fast while Redis is disconnected and time out after
   * {@code timeout}.
   */
  static RevocationList redis(String redisUri, Duration timeout) {
    return RedisRevocationList.connect(redisUri, timeout);
  }

  /** The default key prefix. */
  String DEFAULT_PREFIX = "loadstone:revoked:";
}
