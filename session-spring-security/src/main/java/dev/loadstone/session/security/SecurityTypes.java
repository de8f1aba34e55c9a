package dev.loadstone.session.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spring Security types that are session attribute values themselves (the JSON codec registers exactly these
 * classes under stable tags; what they hold inside is bound by Security's Jackson modules), and the authentication
 * exceptions a failed login leaves in the session that Security's own modules do not cover. Classes of optional
 * Security modules (OAuth2 client) are registered only when present.
 */
final class SecurityTypes {
  private SecurityTypes() {}

  /**
   * {@code AuthenticationException}s a failure handler may keep in the session ({@code
   * SPRING_SECURITY_LAST_EXCEPTION}) that Security's modules leave out (they cover only BadCredentialsException):
   * stored by their message, as Security stores that one. All have a public (String) constructor.
   */
  static final List<String> EXTRA_EXCEPTIONS = List.of(
      "org.springframework.security.authentication.AccountExpiredException",
      "org.springframework.security.authentication.AuthenticationCredentialsNotFoundException",
      "org.springframework.security.authentication.AuthenticationServiceException",
      "org.springframework.security.authentication.CredentialsExpiredException",
      "org.springframework.security.authentication.DisabledException",
      "org.springframework.security.authentication.InsufficientAuthenticationException",
      "org.springframework.security.authentication.InternalAuthenticationServiceException",
      "org.springframework.security.authentication.LockedException",
      "org.springframework.security.authentication.ProviderNotFoundException",
      "org.springframework.security.authentication.ott.InvalidOneTimeTokenException",
      "org.springframework.security.authentication.password.CompromisedPasswordException",
      "org.springframework.security.core.userdetails.UsernameNotFoundException",
      "org.springframework.security.web.authentication.preauth.PreAuthenticatedCredentialsNotFoundException",
      "org.springframework.security.web.authentication.rememberme.CookieTheftException",
      "org.springframework.security.web.authentication.rememberme.InvalidCookieException",
      "org.springframework.security.web.authentication.rememberme.RememberMeAuthenticationException",
      "org.springframework.security.web.authentication.session.SessionAuthenticationException",
      "org.springframework.security.web.authentication.www.NonceExpiredException");

  /** Tag to class name: the values Spring Security keeps in a session (after EXTRA_EXCEPTIONS, which it uses). */
  static final Map<String, String> SESSION_VALUES = values();

  private static Map<String, String> values() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("security.context", "org.springframework.security.core.context.SecurityContextImpl");
    m.put("security.csrf", "org.springframework.security.web.csrf.DefaultCsrfToken");
    m.put("security.saved-request", "org.springframework.security.web.savedrequest.DefaultSavedRequest");
    m.put("security.bad-credentials", "org.springframework.security.authentication.BadCredentialsException");
    for (String exception : EXTRA_EXCEPTIONS) {
      m.put("security." + exception.substring(exception.lastIndexOf('.') + 1), exception);
    }
    // spring-security-oauth2-client, when present (its Jackson module comes with Security's).
    m.put("security.oauth2-authorization-request",
        "org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest");
    m.put("security.oauth2-authorized-client", "org.springframework.security.oauth2.client.OAuth2AuthorizedClient");
    return Map.copyOf(m);
  }

  /** The class, or null when it is not on the classpath. */
  static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  static boolean isSecurityType(Class<?> type) {
    return type.getName().startsWith("org.springframework.security.");
  }
}
