package dev.loadstone.session.security;

import dev.loadstone.session.PrincipalResolver;
import dev.loadstone.session.Session;
import java.security.Principal;
import java.util.Set;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticatedPrincipal;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Who a session belongs to under Spring Security: the name of the authentication in the session's {@code
 * SecurityContext} (attribute {@value #SECURITY_CONTEXT_ATTRIBUTE}), anonymous tokens counting as nobody; else the
 * String attribute {@value PrincipalResolver#PRINCIPAL_NAME_ATTRIBUTE}. This is the name the principal index keeps,
 * so {@code findByPrincipal(name)} and "log out everywhere" find a user's sessions, as Spring Session's index does.
 */
public final class SecurityPrincipals {
  /** Where {@code HttpSessionSecurityContextRepository} keeps the context. */
  public static final String SECURITY_CONTEXT_ATTRIBUTE = "SPRING_SECURITY_CONTEXT";

  private static final PrincipalResolver FALLBACK =
      PrincipalResolver.attribute(PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE);

  private SecurityPrincipals() {}

  /** The resolver for {@code SessionFactory.builder().principalResolver(...)}. */
  public static PrincipalResolver resolver() {
    return Resolver.INSTANCE;
  }

  /** The name Spring Security's {@code SessionRegistry} callers mean by {@code principal}. */
  static String nameOf(Object principal) {
    if (principal instanceof UserDetails user) {
      return user.getUsername();
    }
    if (principal instanceof AuthenticatedPrincipal authenticated) {
      return authenticated.getName();
    }
    if (principal instanceof Principal p) {
      return p.getName();
    }
    return principal.toString();
  }

  /** The authenticated (not anonymous) authentication in a session attribute value, or null. */
  static Authentication authentication(Object contextAttribute) {
    if (contextAttribute instanceof SecurityContext context) {
      Authentication a = context.getAuthentication();
      if (a != null && !(a instanceof AnonymousAuthenticationToken) && a.isAuthenticated()) {
        return a;
      }
    }
    return null;
  }

  private enum Resolver implements PrincipalResolver {
    INSTANCE;

    @Override
    public String principalName(Session session) {
      Authentication a = authentication(session.getAttribute(SECURITY_CONTEXT_ATTRIBUTE));
      if (a != null && a.getName() != null && !a.getName().isEmpty()) {
        return a.getName();
      }
      return FALLBACK.principalName(session);
    }

    @Override
    public Set<String> attributes() {
      return Set.of(SECURITY_CONTEXT_ATTRIBUTE, PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE);
    }

    @Override
    public String toString() {
      return "SecurityPrincipals.resolver()";
    }
  }
}
