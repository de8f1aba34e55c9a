package dev.loadstone.session.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import java.time.Duration;

/**
 * What the web application's {@code <session-config>} says ({@code <session-timeout>}, {@code <cookie-config>}),
 * as the container exposes it through {@link ServletContext}: the defaults for what the filter's own settings
 * leave open. Never less safe than the filter's defaults: {@code http-only false} and {@code secure false} there
 * are ignored (set them on the filter), and so is the container's own cookie name {@code JSESSIONID}, which would
 * collide with the container's session.
 */
record WebAppDefaults(Duration idleTimeout, String cookieName, String path, String domain, Boolean secure,
    Duration maxAge, SameSite sameSite) {

  static final WebAppDefaults NONE = new WebAppDefaults(null, null, null, null, null, null, null);

  static WebAppDefaults of(ServletContext context) {
    if (context == null) {
      return NONE;
    }
    Duration idle = null;
    try {
      int minutes = context.getSessionTimeout();
      idle = minutes > 0 ? Duration.ofMinutes(minutes) : Duration.ZERO; // <= 0: never times out
    } catch (UnsupportedOperationException | IllegalStateException e) {
      // a container without sessions: nothing configured
    }
    SessionCookieConfig cookie;
    try {
      cookie = context.getSessionCookieConfig();
    } catch (UnsupportedOperationException | IllegalStateException e) {
      cookie = null;
    }
    if (cookie == null) {
      return NONE; // no session support in this context: its timeout means nothing either
    }
    String name = cookie.getName();
    if (name != null && (name.isBlank() || name.equalsIgnoreCase("JSESSIONID"))) {
      name = null;
    }
    SameSite sameSite = null;
    String sameSiteText = cookie.getAttribute("SameSite");
    if (sameSiteText != null) {
      sameSite = SameSite.parse(sameSiteText);
    }
    return new WebAppDefaults(idle, name, blankToNull(cookie.getPath()), blankToNull(cookie.getDomain()),
        cookie.isSecure() ? Boolean.TRUE : null, cookie.getMaxAge() > 0 ? Duration.ofSeconds(cookie.getMaxAge()) : null,
        sameSite);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
