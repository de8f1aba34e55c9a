package dev.loadstone.session.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.TrackedSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The token store's view of its revocation list: answers cached per node for a short TTL (this node's own
 * revocations apply at once), and what bounds the life of the tokens of sessions this node has seen, so a
 * revocation record lives exactly as long as a token it voids could.
 */
final class Revocations {
  /** What bounds the life of any token of a session this node has seen. */
  record Seen(Instant created, Duration idle, Duration absolute, String spillId) {
    /** Every token issued up to now expires by this time. */
    Instant lastPossibleExpiry(Instant now) {
      Instant absoluteEnd = created.plus(absolute);
      if (idle.isZero()) {
        return absoluteEnd;
      }
      Instant idleEnd = now.plus(idle);
      return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
    }
  }

  private final RevocationList list; // null: none configured
  private final boolean remember;
  private final Clock clock;
  private final Duration defaultTtl;
  private final Cache<String, Boolean> revoked;
  private final Cache<String, Seen> seen;

  Revocations(RevocationList list, boolean spills, Clock clock, Duration cacheTtl, Duration defaultTtl) {
    this.list = list;
    this.remember = list != null || spills;
    this.clock = clock;
    this.defaultTtl = defaultTtl;
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    this.revoked = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(cacheTtl).maximumSize(100_000).build();
    this.seen = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(Duration.ofMinutes(5)).maximumSize(10_000).build();
  }

  RevocationList list() {
    return list;
  }

  CompletionStage<Boolean> isRevoked(String id) {
    if (list == null) {
      return CompletableFuture.completedFuture(false);
    }
    Boolean cached = revoked.getIfPresent(id);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    return list.isRevoked(id).thenApply(r -> {
      revoked.put(id, r);
      return r;
    });
  }

  /** Voids every token of {@code id}; returns what this node knew about it (for its spilled data). */
  CompletionStage<Seen> revoke(String id) {
    Seen known = seen.getIfPresent(id);
    seen.invalidate(id);
    if (list == null) {
      return CompletableFuture.completedFuture(known);
    }
    Instant now = clock.instant();
    Duration ttl = known != null ? Duration.between(now, known.lastPossibleExpiry(now)) : defaultTtl;
    if (ttl.isNegative() || ttl.isZero()) {
      return CompletableFuture.completedFuture(known);
    }
    revoked.put(id, Boolean.TRUE);
    return list.revoke(id, ttl).thenApply(v -> known);
  }

  void remember(TrackedSession s, String spillId) {
    if (remember) { // nothing to bound or clean up later otherwise: skip the cache write on the hot path
      seen.put(s.id(), new Seen(s.creationTime(), s.idleTimeout(), s.absoluteTimeout(), spillId));
    }
  }
}
