package dev.loadstone.session.boot;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.IndexedSessionStore;
import dev.loadstone.session.PrincipalResolver;
import dev.loadstone.session.Session;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/sessions}, as Spring Session's endpoint (same id and paths, so a move keeps its URLs): {@code GET
 * ?username=alice} lists a user's sessions, {@code GET /{id}} shows one, {@code DELETE /{id}} ends one, and {@code
 * DELETE ?username=alice} ends all of a user's sessions on every node ("log out everywhere"; the session listeners
 * and {@code HttpSessionDestroyedEvent} fire for each). Session ids are bearer secrets: expose this endpoint to
 * administrators only.
 */
@Endpoint(id = "sessions")
public class LoadstoneSessionsEndpoint {
  private final IndexedSessionStore store;
  private final BlockingSessionStore blocking;
  private final PrincipalResolver principals;

  public LoadstoneSessionsEndpoint(IndexedSessionStore store, PrincipalResolver principals) {
    this.store = Objects.requireNonNull(store, "store");
    this.blocking = BlockingSessionStore.of(store);
    this.principals = Objects.requireNonNull(principals, "principals");
  }

  /** One session: what an administrator may see (attribute names, never values). */
  public record SessionDescriptor(String id, String principal, Instant creationTime, Instant lastAccessedTime,
      long maxInactiveIntervalSeconds, boolean expired, Set<String> attributeNames) {
    static SessionDescriptor of(Session s, String principal) {
      return new SessionDescriptor(s.id(), principal, s.creationTime(), s.lastAccessedTime(), s.idleTimeout().toSeconds(),
          Boolean.TRUE.equals(s.getAttribute("loadstone.security.expired")), new TreeSet<>(s.getAttributeNames()));
    }
  }

  public record SessionsDescriptor(String username, List<SessionDescriptor> sessions) {}

  public record InvalidatedDescriptor(String username, int invalidated) {}

  @ReadOperation
  public SessionsDescriptor sessionsOf(String username) {
    List<SessionDescriptor> sessions = blocking.await(store.findByPrincipal(username)).stream()
        .map(s -> SessionDescriptor.of(s, username)).toList();
    return new SessionsDescriptor(username, sessions);
  }

  @ReadOperation
  public SessionDescriptor session(@Selector String sessionId) {
    return blocking.load(sessionId).map(s -> SessionDescriptor.of(s, principals.principalName(s))).orElse(null); // null: 404
  }

  @DeleteOperation
  public void deleteSession(@Selector String sessionId) {
    blocking.delete(sessionId);
  }

  @DeleteOperation
  public InvalidatedDescriptor deleteSessionsOf(String username) {
    return new InvalidatedDescriptor(username, blocking.await(store.invalidateAll(username)));
  }
}
