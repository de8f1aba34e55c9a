package dev.loadstone.session.boot;

import dev.loadstone.session.servlet.SameSite;
import dev.loadstone.session.servlet.SessionFilterBuilder;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * {@code server.servlet.session.timeout} and {@code server.servlet.session.cookie.*} (the same keys in Boot 3.5 and
 * 4), applied to the session filter: what Boot users set for the container's session now governs the shared one.
 */
final class ServletSessionSettings {
  /** {@code server.servlet.session.*}, as bound. */
  public static class Settings {
    private Duration timeout = Duration.ofMinutes(30);
    private Cookie cookie = new Cookie();

    public static class Cookie {
      private String name;
      private String domain;
      private String path;
      private Boolean httpOnly;
      private Boolean secure;
      private String sameSite;
      private Duration maxAge;
      private Boolean partitioned;

      public String getName() { return name; }
      public void setName(String name) { this.name = name; }
      public String getDomain() { return domain; }
      public void setDomain(String domain) { this.domain = domain; }
      public String getPath() { return path; }
      public void setPath(String path) { this.path = path; }
      public Boolean getHttpOnly() { return httpOnly; }
      public void setHttpOnly(Boolean httpOnly) { this.httpOnly = httpOnly; }
      public Boolean getSecure() { return secure; }
      public void setSecure(Boolean secure) { this.secure = secure; }
      public String getSameSite() { return sameSite; }
      public void setSameSite(String sameSite) { this.sameSite = sameSite; }
      public Duration getMaxAge() { return maxAge; }
      public void setMaxAge(Duration maxAge) { this.maxAge = maxAge; }
      public Boolean getPartitioned() { return partitioned; }
      public void setPartitioned(Boolean partitioned) { this.partitioned = partitioned; }
    }

    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
    public Cookie getCookie() { return cookie; }
    public void setCookie(Cookie cookie) { this.cookie = cookie; }
  }

  private ServletSessionSettings() {}

  static Settings bind(Environment environment) {
    return Binder.get(environment).bind("server.servlet.session", Bindable.of(Settings.class)).orElseGet(Settings::new);
  }

  /** The idle timeout: zero or negative means no idle limit (the absolute timeout still ends a session). */
  static Duration idleTimeout(Settings s) {
    Duration t = s.getTimeout();
    return t == null ? Duration.ofMinutes(30) : t.isNegative() ? Duration.ZERO : t;
  }

  /** Applies the cookie settings that are set; the filter's defaults (SESSION, HttpOnly, Lax) cover the rest. */
  static void applyCookie(Settings s, SessionFilterBuilder filter) {
    Settings.Cookie c = s.getCookie();
    if (Boolean.TRUE.equals(c.getPartitioned())) {
      throw new IllegalStateException("server.servlet.session.cookie.partitioned: true (expected: not set; the "
          + "Loadstone session cookie has no Partitioned attribute)");
    }
    if (c.getName() != null) {
      filter.cookieName(c.getName());
    }
    if (c.getDomain() != null) {
      filter.cookieDomain(c.getDomain());
    }
    if (c.getPath() != null) {
      filter.cookiePath(c.getPath());
    }
    if (c.getHttpOnly() != null) {
      filter.httpOnly(c.getHttpOnly());
    }
    if (c.getSecure() != null) {
      filter.secure(c.getSecure());
    }
    if (c.getMaxAge() != null && !c.getMaxAge().isNegative() && !c.getMaxAge().isZero()) {
      filter.cookieMaxAge(c.getMaxAge());
    }
    if (c.getSameSite() != null) {
      filter.sameSite(sameSite(c.getSameSite()));
    }
  }

  static SameSite sameSite(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "lax":
        return SameSite.LAX;
      case "strict":
        return SameSite.STRICT;
      case "none":
        return SameSite.NONE;
      case "omitted":
      case "omit":
        return SameSite.OMIT;
      default:
        throw new IllegalStateException("server.servlet.session.cookie.same-site: " + value
            + " (expected: lax, strict, none or omitted)");
    }
  }
}
