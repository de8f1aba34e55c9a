package dev.loadstone.session.security;

import dev.loadstone.session.IndexedSessionStore;
import org.springframework.security.core.session.SessionRegistry;

/** Spring Security's session services over a Loadstone store. */
public final class SecuritySessions {
  private SecuritySessions() {}

  /**
   * A {@link SessionRegistry} over {@code store}'s principal index (Redis, or in-memory for one node), so that
   * {@code sessionManagement().maximumSessions(n)} counts a user's sessions on every node. Use it with {@link
   * SecurityPrincipals#resolver()} as the store's principal resolver.
   */
  public static SessionRegistry registry(IndexedSessionStore store) {
    return new IndexedSessionRegistry(store);
  }

  /** The attribute a session expired by concurrent session control carries ({@code Boolean.TRUE}). */
  public static String expiredAttribute() {
    return IndexedSessionRegistry.EXPIRED_ATTRIBUTE;
  }
}
