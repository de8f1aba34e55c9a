package dev.loadstone.session;

import java.util.Objects;
import java.util.Set;

/**
 * Who a session belongs to, for the index of sessions by principal ({@link IndexedSessionStore#findByPrincipal},
 * "log out everywhere"). Asked at save time, and only when one of {@link #attributes()} was set, removed or
 * read in the request, so most saves never call it. The default reads the String attribute
 * {@value #PRINCIPAL_NAME_ATTRIBUTE}; a framework integration (Spring Security's {@code SecurityContext}) plugs
 * its own through {@link SessionFactory.Builder#principalResolver}.
 */
public interface PrincipalResolver {
  /** The attribute the default resolver reads (the same idea as Spring Session's principal index attribute). */
  String PRINCIPAL_NAME_ATTRIBUTE = "loadstone.principal";

  /** The principal name of {@code session}, or null when it has none (anonymous). */
  String principalName(Session session);

  /** The attributes {@link #principalName} reads; a change to any other attribute never re-resolves. */
  Set<String> attributes();

  /** The principal is the String value of attribute {@code name} (anything else counts as none). */
  static PrincipalResolver attribute(String name) {
    Objects.requireNonNull(name, "name");
    return new PrincipalResolver() {
      @Override
      public String principalName(Session session) {
        return session.getAttribute(name) instanceof String s && !s.isEmpty() ? s : null;
      }

      @Override
      public Set<String> attributes() {
        return Set.of(name);
      }

      @Override
      public String toString() {
        return "PrincipalResolver.attribute(" + name + ")";
      }
    };
  }
}
