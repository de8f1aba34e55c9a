package dev.loadstone.session.servlet;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.SessionCodec;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.redis.RedisSessionStore;
import dev.loadstone.session.token.KeyRing;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.token.TokenSessionStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/** The stores the container suites run with. */
final class Stores {
  private Stores() {}

  /** The codec of every store here: JSON, with the binding-listener value of the sample servlet registered. */
  static SessionCodec codec() {
    return JsonSessionCodec.builder().register("recording", CountingServlet.Recording.class)
        .register("expiry-watch", CountingServlet.ExpiryWatch.class).build();
  }

  static SessionStore inMemory(Clock clock) {
    return InMemorySessionStore.builder()
        .sessions(SessionFactory.builder().clock(clock).codec(codec()).build())
        .expirySweepInterval(Duration.ofMillis(100))
        .build();
  }

  /** The Redis store (session-core) on a real redis-server. */
  static SessionStore redis(String uri, Clock clock) {
    return RedisSessionStore.builder()
        .sessions(SessionFactory.builder().clock(clock).codec(codec()).build())
        .uri(uri)
        .expirySweepInterval(Duration.ofMillis(100))
        .build();
  }

  /** Signed tokens whose invalidation is recorded in {@code revocations} (a real redis-server). */
  static SessionStore tokens(RevocationList revocations, Clock clock) {
    return TokenSessionStore.builder()
        .keyRing(KeyRing.generate("it", new SecureRandom()))
        .revocationList(revocations)
        .clock(clock)
        .codec(codec())
        .build();
  }
}
