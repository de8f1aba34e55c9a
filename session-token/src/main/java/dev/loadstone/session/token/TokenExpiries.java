package dev.loadstone.session.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionIds;
import dev.loadstone.session.spi.SessionEvents;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expiry events of token sessions. With no server-side state the one moment an expiry can be seen is when a
 * client presents an authentic token after it expired; it is then reported once per node (a client may present
 * it many times), and once across nodes when a revocation list can record the claim. What cannot be seen: a
 * client that never comes back, and a stale copy of an older token presented while a newer one is alive.
 */
final class TokenExpiries {
  private static final Logger log = LoggerFactory.getLogger(TokenExpiries.class);

  private final SessionFactory factory;
  private final SessionEvents events;
  private final RevocationList claims; // null: report once per node
  private final Cache<String, Boolean> reported = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofHours(1)).build();

  TokenExpiries(SessionFactory factory, SessionEvents events, RevocationList claims) {
    this.factory = factory;
    this.events = events;
    this.claims = claims;
  }

  /** An authentic token past its expiry was presented; {@code data} is the session it holds. */
  void presented(TokenPayload payload, SessionData data) {
    if (!events.hasListeners() || payload.kind != TokenPayload.INLINE || reported.asMap().putIfAbsent(payload.id, true) != null) {
      return;
    }
    Session view = factory.view(data);
    if (claims == null) {
      events.expired(view);
      return;
    }
    Duration ttl = Duration.between(factory.clock().instant(), payload.created.plus(payload.absoluteTimeout));
    claims.claimExpiry(payload.id, ttl.compareTo(Duration.ofMinutes(1)) > 0 ? ttl : Duration.ofMinutes(1))
        .whenComplete((first, e) -> {
          if (e != null) {
            log.debug("session {}...: expiry not reported, the revocation list is unreachable: {}",
                SessionIds.prefix(payload.id), e.toString());
          } else if (first) {
            events.expired(view);
          }
        });
  }
}
