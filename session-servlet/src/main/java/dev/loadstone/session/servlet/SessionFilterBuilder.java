package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link SessionFilter}; every option at most once. Options left unset take the web application's
 * {@code <session-config>} (cookie name, path, domain, Secure, Max-Age, SameSite) when the filter starts, then the
 * defaults below.
 */
public final class SessionFilterBuilder {
  final SessionStore store;
  private String cookieName;
  private String cookiePath;
  private String cookieDomain;
  private Boolean secure;
  private Boolean httpOnly;
  private SameSite sameSite;
  private Duration maxAge;
  private String header;
  private boolean withoutCookie;
  private SessionIdResolver resolver;
  private StoreUnavailablePolicy policy;
  private Duration retryAfter;
  private final List<EventListener> listeners = new ArrayList<>();

  SessionFilterBuilder(SessionStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Default {@code SESSION}. */
  public SessionFilterBuilder cookieName(String name) {
    once(cookieName, "cookieName");
    SessionCookie.checkName(name);
    this.cookieName = name;
    return this;
  }

  /** Default the context path ({@code /} for the root context). */
  public SessionFilterBuilder cookiePath(String path) {
    once(cookiePath, "cookiePath");
    SessionCookie.checkAttributeValue("cookiePath", path);
    this.cookiePath = path;
    return this;
  }

  /** Default none (host-only cookie). */
  public SessionFilterBuilder cookieDomain(String domain) {
    once(cookieDomain, "cookieDomain");
    SessionCookie.checkAttributeValue("cookieDomain", domain);
    this.cookieDomain = domain;
    return this;
  }

  /** Force Secure on or off; default: Secure when the request is secure ({@code request.isSecure()}). */
  public SessionFilterBuilder secure(boolean secure) {
    once(this.secure, "secure");
    this.secure = secure;
    return this;
  }

  /** Default true. */
  public SessionFilterBuilder httpOnly(boolean httpOnly) {
    once(this.httpOnly, "httpOnly");
    this.httpOnly = httpOnly;
    return this;
  }

  /** Default {@link SameSite#LAX}. */
  public SessionFilterBuilder sameSite(SameSite sameSite) {
    once(this.sameSite, "sameSite");
    this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
    return this;
  }

  /** A persistent cookie kept this long; default none (the cookie ends with the browser session). */
  public SessionFilterBuilder cookieMaxAge(Duration maxAge) {
    once(this.maxAge, "cookieMaxAge");
    Objects.requireNonNull(maxAge, "cookieMaxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("cookieMaxAge: " + maxAge + " (expected: > 0)");
    }
    this.maxAge = maxAge;
    return this;
  }

  /**
   * Also accept the session handle in this header (e.g. {@code X-Auth-Token}) for API clients: a request that
   * sends it is answered in it; a new session gets both the header and the cookie.
   */
  public SessionFilterBuilder sessionIdHeader(String name) {
    once(this.header, "sessionIdHeader");
    SessionCookie.checkName(name);
    this.header = name;
    return this;
  }

  /** No cookie at all: only {@link #sessionIdHeader} (which must then be set). */
  public SessionFilterBuilder withoutCookie() {
    if (withoutCookie) {
      throw new IllegalStateException("withoutCookie: already set (expected: each option at most once)");
    }
    this.withoutCookie = true;
    return this;
  }

  /** Where clients keep their handle, entirely your own; instead of the cookie and header options. */
  public SessionFilterBuilder idResolver(SessionIdResolver resolver) {
    once(this.resolver, "idResolver");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    return this;
  }

  /** Default {@link StoreUnavailablePolicy#RESPOND_503}. */
  public SessionFilterBuilder onStoreUnavailable(StoreUnavailablePolicy policy) {
    once(this.policy, "onStoreUnavailable");
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** The Retry-After of the 503; default 5 seconds. */
  public SessionFilterBuilder retryAfter(Duration retryAfter) {
    once(this.retryAfter, "retryAfter");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: > 0)");
    }
    this.retryAfter = retryAfter;
    return this;
  }

  /**
   * Adds an {@link HttpSessionListener}, {@link HttpSessionAttributeListener} and/or {@link
   * HttpSessionIdListener} (the container's own listeners only see the container's sessions).
   */
  public SessionFilterBuilder listener(EventListener listener) {
    FilterSettings.checkListener(listener);
    listeners.add(listener);
    return this;
  }

  public SessionFilter build() {
    if (resolver != null && (header != null || withoutCookie || cookieName != null)) {
      throw new IllegalStateException("idResolver: set together with cookie or header options (expected: one or the other)");
    }
    if (withoutCookie && header == null) {
      throw new IllegalStateException("withoutCookie: no sessionIdHeader set (expected: a header then)");
    }
    return new SessionFilter(this);
  }

  /** The settings, with what is unset taken from the web application, then from the defaults. */
  FilterSettings resolve(WebAppDefaults webApp) {
    SessionIdResolver ids = resolver;
    if (ids == null) {
      SessionCookie cookie = new SessionCookie(
          first(cookieName, webApp.cookieName(), "SESSION"),
          first(cookiePath, webApp.path(), null),
          first(cookieDomain, webApp.domain(), null),
          first(secure, webApp.secure(), null),
          httpOnly == null || httpOnly,
          first(sameSite, webApp.sameSite(), SameSite.LAX),
          first(maxAge, webApp.maxAge(), null));
      SessionIdResolver byCookie = new SessionIdResolvers.CookieResolver(cookie);
      ids = header == null ? byCookie : withoutCookie ? SessionIdResolver.header(header)
          : SessionIdResolver.firstOf(SessionIdResolver.header(header), byCookie);
    }
    return new FilterSettings(ids, policy != null ? policy : StoreUnavailablePolicy.RESPOND_503,
        retryAfter != null ? retryAfter : Duration.ofSeconds(5), listeners);
  }

  private static <T> T first(T a, T b, T c) {
    return a != null ? a : b != null ? b : c;
  }

  private static void once(Object current, String option) {
    if (current != null) {
      throw new IllegalStateException(option + ": already set (expected: each option at most once)");
    }
  }
}
