package dev.loadstone.session;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where invalidated sessions of a store without server-side state (tokens) are remembered until their
 * tokens could no longer verify anyway. Stages fail with {@link SessionStoreUnavailableException} when the
 * list cannot be reached. The Redis implementation is in session-redis ({@code RedisRevocationLists}).
 */
public interface RevocationList extends AutoCloseable {

  /** Records that every token of session {@code sessionId} is void for {@code ttl}. */
  CompletionStage<Void> revoke(String sessionId, Duration ttl);

  /** Whether the session was revoked (and the record has not expired yet). */
  CompletionStage<Boolean> isRevoked(String sessionId);

  /**
   * Claims the expiry of {@code sessionId} for {@code ttl}: completes true for the first caller on any node,
   * false for every later one, so an expiry event is reported once.
   */
  CompletionStage<Boolean> claimExpiry(String sessionId, Duration ttl);

  @Override
  default void close() {}
}
