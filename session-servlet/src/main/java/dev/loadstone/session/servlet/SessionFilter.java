package dev.loadstone.session.servlet;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.spi.StoreSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the container's {@code HttpSession} with one kept in a {@link SessionStore} (Redis, signed tokens,
 * in-memory), so any copy of the application can serve any request.
 *
 * <p>The request is wrapped so {@code getSession}, attributes, {@code invalidate}, {@code changeSessionId},
 * {@code isNew}, the max inactive interval and the session listeners behave as the Servlet specification says;
 * the response is wrapped so the session is saved, and its cookie set, just before the response commits (first
 * flush, a full buffer, the declared content length, every form of sendRedirect, sendError) or at the end of the
 * dispatch. Map it for every dispatcher type: a forward or include sees the same session, an error page too (so
 * the container never makes a {@code JSESSIONID} of its own), and an asynchronous request keeps its session across
 * threads and is saved at the end of its async cycle. Sessions that time out (or are ended by "log out
 * everywhere") are reported to the session listeners and unbind their values, on one node.
 *
 * <p>When a client presents a session handle the session is loaded before the application runs; if the store
 * cannot be reached the filter answers 503 with Retry-After and the application is not invoked (or, with
 * {@link StoreUnavailablePolicy#CONTINUE_WITHOUT_SESSION}, runs without a session).
 *
 * <p>Configure it in code ({@link #builder}) or in {@code web.xml} (no-argument constructor, init parameters:
 * see the session-servlet README). The store is published as the servlet context attribute {@code
 * dev.loadstone.session.SessionStore} (when no other is there), so the application can use it ("log out
 * everywhere": {@code IndexedSessionStore.invalidateAll}).
 */
public final class SessionFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(SessionFilter.class);
  static final String APPLIED = SessionFilter.class.getName() + ".sessions";
  /** The servlet context attribute holding the store. */
  public static final String STORE_ATTRIBUTE = SessionStore.class.getName();

  private SessionFilterBuilder options;
  private volatile FilterSettings settings;
  private BlockingSessionStore store;
  /** Set when this filter built the store from init parameters, and so closes it (and what it uses). */
  private StoreSettings owned;
  private AutoCloseable expiryEvents;

  /** For {@code web.xml}: configured from the init parameters in {@link #init}. */
  public SessionFilter() {}

  SessionFilter(SessionFilterBuilder options) {
    this.options = options;
    this.store = BlockingSessionStore.of(options.store);
  }

  /** A filter over {@code store}; the caller keeps ownership of the store (closes it). */
  public static SessionFilterBuilder builder(SessionStore store) {
    return new SessionFilterBuilder(store);
  }

  @Override
  public void init(FilterConfig config) throws ServletException {
    ServletContext context = config.getServletContext();
    if (options == null) {
      try {
        FilterSettings.Parsed parsed = FilterSettings.fromInitParameters(config::getInitParameter, context);
        this.options = parsed.filter();
        this.store = BlockingSessionStore.of(parsed.store());
        this.owned = parsed.storeSettings();
      } catch (RuntimeException e) {
        throw new ServletException("SessionFilter '" + config.getFilterName() + "': " + e.getMessage(), e);
      }
    }
    this.settings = options.resolve(WebAppDefaults.of(context));
    if (context != null && context.getAttribute(STORE_ATTRIBUTE) == null) {
      context.setAttribute(STORE_ATTRIBUTE, store.async());
    }
    try {
      expiryEvents = store.async().addListener(new EndedSessions(settings, context));
    } catch (UnsupportedOperationException e) {
      log.info("{}: sessions that time out are not reported to session listeners ({})", store.async(), e.getMessage());
    }
  }

  private FilterSettings settings() {
    FilterSettings s = settings;
    if (s == null) { // used without init (a test calling doFilter directly): no web application to ask
      s = settings = options.resolve(WebAppDefaults.NONE);
    }
    return s;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    if (req.getAttribute(APPLIED) instanceof RequestSessions sessions) {
      dispatchAgain(request, response, chain, sessions);
      return;
    }
    FilterSettings s = settings();
    RequestSessions sessions = new RequestSessions(s, store, request, response);
    request.setAttribute(APPLIED, sessions);
    List<String> presented = s.resolver.resolve(request);
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
        if (s.unavailablePolicy == StoreUnavailablePolicy.RESPOND_503) {
          log.warn("session store unavailable, answering 503: {}", e.getMessage());
          Responses.unavailable(response, s.retryAfter);
          return;
        }
        log.warn("session store unavailable, continuing without a session: {}", e.getMessage());
        sessions.presentedButUnavailable(presented.get(0));
      }
    }
    run(sessions, new SessionRequest(request, sessions), new SessionResponse(response, sessions), chain, true);
  }

  /**
   * A dispatch of a request this filter already wrapped: a forward or include from the application (already our
   * wrapper: nothing to do but save at the end of a forward, which commits the response), the container's error dispatch or an async dispatch (wrapped again, over the same
   * session, and saved at its end).
   */
  private void dispatchAgain(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
      RequestSessions sessions) throws IOException, ServletException {
    DispatcherType type = request.getDispatcherType();
    boolean ends = type == DispatcherType.ERROR || type == DispatcherType.ASYNC || type == DispatcherType.REQUEST;
    boolean wrapped = request instanceof SessionRequest
        || (request instanceof ServletRequestWrapper w && w.isWrapperFor(SessionRequest.class));
    if (wrapped && !ends) {
      chain.doFilter(request, response);
      if (type == DispatcherType.FORWARD && !request.isAsyncStarted()) {
        // The container commits and closes the response as soon as a forward returns (Servlet 9.4), Tomcat without
        // going through our response wrapper: save now, while the session's cookie can still be set.
        sessions.beforeCommit();
      }
      return;
    }
    sessions.redispatched(response);
    HttpServletRequest req = wrapped ? request : new SessionRequest(request, sessions);
    HttpServletResponse res = response instanceof SessionResponse ? response : new SessionResponse(response, sessions);
    run(sessions, req, res, chain, ends);
  }

  private void run(RequestSessions sessions, HttpServletRequest request, HttpServletResponse response, FilterChain chain,
      boolean saveAtEnd) throws IOException, ServletException {
    boolean completed = false;
    try {
      chain.doFilter(request, response);
      completed = true;
    } catch (IOException | ServletException | RuntimeException e) {
      SessionStoreUnavailableException down = Responses.storeFailure(e);
      if (down == null || settings().unavailablePolicy != StoreUnavailablePolicy.RESPOND_503
          || sessions.containerResponse().isCommitted()) {
        throw e;
      }
      // A store call inside the application (changeSessionId, invalidate; maybe wrapped by a framework).
      log.warn("session store unavailable during the request, answering 503: {}", down.getMessage());
      sessions.abort();
      Responses.unavailable(sessions.containerResponse(), settings().retryAfter);
      return;
    } finally {
      if (saveAtEnd) {
        try {
          if (request.isAsyncStarted()) {
            sessions.saveWhenAsyncEnds(request.getAsyncContext());
          } else {
            sessions.saveAtEnd();
          }
        } catch (RuntimeException e) {
          if (completed) {
            throw e;
          }
          log.warn("session not saved after a failed request: {}", e.toString()); // the application's error wins
        }
      }
    }
  }

  @Override
  public void destroy() {
    if (expiryEvents != null) {
      try {
        expiryEvents.close();
      } catch (Exception e) {
        // nothing more to do on shutdown
      }
      expiryEvents = null;
    }
    if (owned != null) {
      owned.closeOwned();
      owned = null;
      options = null; // a container that restarts the filter calls init again, which builds a new store
      settings = null;
      store = null;
    }
  }
}
