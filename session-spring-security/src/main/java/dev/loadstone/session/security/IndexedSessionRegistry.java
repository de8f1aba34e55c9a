package dev.loadstone.session.security;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.IndexedSessionStore;
import dev.loadstone.session.Session;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * A {@link SessionRegistry} over the store's principal index, shared by every node: Spring Security's concurrent
 * session control ({@code maximumSessions(n)}) counts a user's sessions on all nodes, and expires the oldest by
 * marking it (attribute {@value #EXPIRED_ATTRIBUTE}) so that {@code ConcurrentSessionFilter}, on whichever node
 * that browser comes back to, logs it out and shows the expired page. Registering and removing are no-ops: the
 * store's save script keeps the index (from the session's {@code SecurityContext}, see {@link SecurityPrincipals}).
 *
 * <p>Round trips: {@code ConcurrentSessionFilter} asks for the current request's own session on every request;
 * that session was already loaded by the session filter, so the answer costs nothing (Spring Session's registry
 * loads it again). Other sessions are loaded from the store. {@link #getAllPrincipals} is not supported (the index
 * is by name; there is no list of all users).
 */
final class IndexedSessionRegistry implements SessionRegistry {
  /** Set to {@code Boolean.TRUE} on a session that concurrent session control expired. */
  static final String EXPIRED_ATTRIBUTE = "loadstone.security.expired";

  private final IndexedSessionStore store;
  private final BlockingSessionStore blocking;

  IndexedSessionRegistry(IndexedSessionStore store) {
    this.store = Objects.requireNonNull(store, "store");
    this.blocking = BlockingSessionStore.of(store);
  }

  @Override
  public List<Object> getAllPrincipals() {
    throw new UnsupportedOperationException("the session store indexes sessions by principal name; it keeps no list "
        + "of all principals (expected: getAllSessions(principal, includeExpired))");
  }

  @Override
  public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
    String name = SecurityPrincipals.nameOf(principal);
    List<SessionInformation> result = new ArrayList<>();
    for (Session session : blocking.await(store.findByPrincipal(name))) {
      Information info = new Information(principalOf(session.getAttribute(SecurityPrincipals.SECURITY_CONTEXT_ATTRIBUTE),
          principal), session.id(), Date.from(session.lastAccessedTime()),
          Boolean.TRUE.equals(session.getAttribute(EXPIRED_ATTRIBUTE)));
      if (includeExpiredSessions || !info.isExpired()) {
        result.add(info);
      }
    }
    return result;
  }

  @Override
  public SessionInformation getSessionInformation(String sessionId) {
    HttpSession current = currentSession();
    if (current != null && current.getId().equals(sessionId)) {
      Authentication a = SecurityPrincipals.authentication(current.getAttribute(SecurityPrincipals.SECURITY_CONTEXT_ATTRIBUTE));
      if (a == null) {
        return null; // not a user's session: nothing for concurrent session control to check
      }
      return new Information(a.getPrincipal(), sessionId, new Date(current.getLastAccessedTime()),
          Boolean.TRUE.equals(current.getAttribute(EXPIRED_ATTRIBUTE)));
    }
    Optional<Session> loaded = blocking.load(sessionId);
    if (loaded.isEmpty()) {
      return null;
    }
    Session session = loaded.get();
    Authentication a = SecurityPrincipals.authentication(session.getAttribute(SecurityPrincipals.SECURITY_CONTEXT_ATTRIBUTE));
    if (a == null) {
      return null;
    }
    return new Information(a.getPrincipal(), sessionId, Date.from(session.lastAccessedTime()),
        Boolean.TRUE.equals(session.getAttribute(EXPIRED_ATTRIBUTE)));
  }

  @Override
  public void refreshLastRequest(String sessionId) {
    // The store records each access itself (throttled), so nothing to do per request.
  }

  @Override
  public void registerNewSession(String sessionId, Object principal) {
    // The save script indexes the session by the principal in its SecurityContext.
  }

  @Override
  public void removeSessionInformation(String sessionId) {
    // Invalidation and expiry remove the session from the index.
  }

  /** Marks a session expired, through the current request's session when it is that one, else in the store. */
  private void expire(String sessionId) {
    HttpSession current = currentSession();
    if (current != null && current.getId().equals(sessionId)) {
      current.setAttribute(EXPIRED_ATTRIBUTE, Boolean.TRUE);
      return;
    }
    Optional<Session> loaded = blocking.load(sessionId);
    if (loaded.isPresent()) {
      loaded.get().setAttribute(EXPIRED_ATTRIBUTE, Boolean.TRUE);
      blocking.save(loaded.get()); // only that attribute (and a due touch) is written
    }
  }

  private static Object principalOf(Object contextAttribute, Object fallback) {
    Authentication a = SecurityPrincipals.authentication(contextAttribute);
    return a != null ? a.getPrincipal() : fallback;
  }

  private static HttpSession currentSession() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (attributes instanceof ServletRequestAttributes servlet) {
      HttpServletRequest request = servlet.getRequest();
      return request.getSession(false);
    }
    return null;
  }

  /** Expiring marks the session in the store, so every node sees it. */
  private final class Information extends SessionInformation {
    private static final long serialVersionUID = 1L;

    Information(Object principal, String sessionId, Date lastRequest, boolean expired) {
      super(principal, sessionId, lastRequest);
      if (expired) {
        super.expireNow();
      }
    }

    @Override
    public void expireNow() {
      expire(getSessionId());
      super.expireNow();
    }
  }
}
