package dev.loadstone.session.servlet;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.SessionStoreUnavailableException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the container's {@code HttpSession} with one kept in a {@link SessionStore} (Redis, signed tokens,
 * in-memory), so any copy of the application can serve any request.
 *
 * <p>The request is wrapped so {@code getSession}, attributes, {@code invalidate}, {@code changeSessionId},
 * {@code isNew}, the max inactive interval and the session listeners behave as the Servlet specification
 * says; the response is wrapped so the session is saved, and its cookie set, just before the response
 * commits (first flush, a full buffer, the declared content length, sendRedirect or sendError) or at the end
 * of the chain, whichever comes first. The store is asynchronous; this filter is the thin blocking layer.
 *
 * <p>When a client presents a session cookie the session is loaded before the application runs; if the store
 * cannot be reached the filter answers 503 with Retry-After and the application is not invoked (or, with
 * {@link StoreUnavailablePolicy#CONTINUE_WITHOUT_SESSION}, runs without a session).
 *
 * <p>Configure it in code ({@link #builder}) or in {@code web.xml} (no-argument constructor, init parameters
 * described in {@link FilterSettings}). Asynchronous requests are not supported: the session is saved when
 * the filter chain returns.
 */
public final class SessionFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(SessionFilter.class);
  static final String APPLIED = SessionFilter.class.getName() + ".applied";

  private FilterSettings settings;
  private BlockingSessionStore store;
  /** Set when this filter built the store from init parameters, and so closes it (and what it uses). */
  private FilterSettings.Parsed owned;

  /** For {@code web.xml}: configured from the init parameters in {@link #init}. */
  public SessionFilter() {}

  private SessionFilter(FilterSettings settings, SessionStore store) {
    this.settings = settings;
    this.store = BlockingSessionStore.of(store);
  }

  /** A filter over {@code store}; the caller keeps ownership of the store (closes it). */
  public static Builder builder(SessionStore store) {
    return new Builder(store);
  }

  FilterSettings settingsForInit() {
    return settings;
  }

  @Override
  public void init(FilterConfig config) throws ServletException {
    if (store != null) {
      return; // built in code
    }
    try {
      FilterSettings.Parsed parsed = FilterSettings.fromInitParameters(config::getInitParameter);
      this.settings = parsed.settings;
      this.store = BlockingSessionStore.of(parsed.store);
      this.owned = parsed;
    } catch (RuntimeException e) {
      throw new ServletException("SessionFilter '" + config.getFilterName() + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
        || req.getAttribute(APPLIED) != null) {
      chain.doFilter(req, res);
      return;
    }
    req.setAttribute(APPLIED, Boolean.TRUE);
    RequestSessions sessions = new RequestSessions(settings, store, request, response);
    List<String> presented = presentedValues(request);
    if (!presented.isEmpty()) {
      try {
        Session loaded = null;
        for (String value : presented) {
          Optional<Session> found = store.load(value);
          if (found.isPresent()) {
            loaded = found.get();
            break;
          }
        }
        sessions.presented(presented.get(0), loaded);
      } catch (SessionStoreUnavailableException e) {
        if (settings.unavailablePolicy == StoreUnavailablePolicy.RESPOND_503) {
          log.warn("session store unavailable, answering 503: {}", e.getMessage());
          respond503(response, settings.retryAfter);
          return;
        }
        log.warn("session store unavailable, continuing without a session: {}", e.getMessage());
        sessions.presentedButUnavailable(presented.get(0));
      }
    }
    SessionResponse wrappedResponse = new SessionResponse(response, sessions);
    SessionRequest wrappedRequest = new SessionRequest(request, sessions);
    boolean completed = false;
    try {
      chain.doFilter(wrappedRequest, wrappedResponse);
      completed = true;
    } catch (SessionStoreUnavailableException e) {
      // A store call inside the application (create, changeSessionId, invalidate) found the store down.
      if (settings.unavailablePolicy != StoreUnavailablePolicy.RESPOND_503 || response.isCommitted()) {
        throw e;
      }
      log.warn("session store unavailable during the request, answering 503: {}", e.getMessage());
      sessions.abort();
      respond503(response, settings.retryAfter);
      return;
    } finally {
      try {
        sessions.saveAtEnd();
      } catch (RuntimeException e) {
        if (completed) {
          throw e;
        }
        // the application's own exception is the one to report
        log.warn("session not saved after a failed request: {}", e.toString());
      }
    }
  }

  private List<String> presentedValues(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return List.of();
    }
    List<String> values = new ArrayList<>(1);
    for (Cookie cookie : cookies) {
      if (settings.cookie.name.equals(cookie.getName()) && cookie.getValue() != null && !cookie.getValue().isEmpty()
          && values.size() < 3) {
        values.add(cookie.getValue());
      }
    }
    return values;
  }

  static void respond503(HttpServletResponse response, Duration retryAfter) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setHeader("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("text/plain;charset=utf-8");
    byte[] body = "Session store unavailable; please retry shortly.\n".getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }

  @Override
  public void destroy() {
    if (owned != null) {
      owned.close();
      owned = null;
      store = null; // a container that restarts the filter calls init again, which builds a new store
    }
  }

  /** Builds a {@link SessionFilter}; every option at most once. */
  public static final class Builder {
    private final SessionStore store;
    private String cookieName;
    private String cookiePath;
    private String cookieDomain;
    private Boolean secure;
    private boolean secureSet;
    private Boolean httpOnly;
    private SameSite sameSite;
    private Duration maxAge;
    private StoreUnavailablePolicy policy;
    private Duration retryAfter;
    private final List<EventListener> listeners = new ArrayList<>();

    private Builder(SessionStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Default {@code SESSION}. */
    public Builder cookieName(String name) {
      once(cookieName, "cookieName");
      SessionCookie.checkName(name);
      this.cookieName = name;
      return this;
    }

    /** Default the context path ({@code /} for the root context). */
    public Builder cookiePath(String path) {
      once(cookiePath, "cookiePath");
      SessionCookie.checkAttributeValue("cookiePath", path);
      this.cookiePath = path;
      return this;
    }

    /** Default none (host-only cookie). */
    public Builder cookieDomain(String domain) {
      once(cookieDomain, "cookieDomain");
      SessionCookie.checkAttributeValue("cookieDomain", domain);
      this.cookieDomain = domain;
      return this;
    }

    /** Force Secure on or off; default: Secure when the request is secure ({@code request.isSecure()}). */
    public Builder secure(boolean secure) {
      if (secureSet) {
        throw new IllegalStateException("secure: already set (expected: each option at most once)");
      }
      this.secureSet = true;
      this.secure = secure;
      return this;
    }

    /** Default true. */
    public Builder httpOnly(boolean httpOnly) {
      once(this.httpOnly, "httpOnly");
      this.httpOnly = httpOnly;
      return this;
    }

    /** Default {@link SameSite#LAX}. */
    public Builder sameSite(SameSite sameSite) {
      once(this.sameSite, "sameSite");
      this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
      return this;
    }

    /** A persistent cookie kept this long; default none (the cookie ends with the browser session). */
    public Builder cookieMaxAge(Duration maxAge) {
      once(this.maxAge, "cookieMaxAge");
      Objects.requireNonNull(maxAge, "cookieMaxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("cookieMaxAge: " + maxAge + " (expected: > 0)");
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Default {@link StoreUnavailablePolicy#RESPOND_503}. */
    public Builder onStoreUnavailable(StoreUnavailablePolicy policy) {
      once(this.policy, "onStoreUnavailable");
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The Retry-After of the 503; default 5 seconds. */
    public Builder retryAfter(Duration retryAfter) {
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
    public Builder listener(EventListener listener) {
      FilterSettings.checkListener(listener);
      listeners.add(listener);
      return this;
    }

    public SessionFilter build() {
      SessionCookie cookie = new SessionCookie(
          cookieName != null ? cookieName : "SESSION",
          cookiePath,
          cookieDomain,
          secure,
          httpOnly == null || httpOnly,
          sameSite != null ? sameSite : SameSite.LAX,
          maxAge);
      return new SessionFilter(new FilterSettings(cookie,
          policy != null ? policy : StoreUnavailablePolicy.RESPOND_503,
          retryAfter != null ? retryAfter : Duration.ofSeconds(5),
          listeners), store);
    }

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + ": already set (expected: each option at most once)");
      }
    }
  }
}
