package dev.loadstone.session.servlet;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionStoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's session state: what the client presented, the session handed to the application, and the
 * save that runs once before the response commits and again when the chain returns.
 */
final class RequestSessions {
  private static final Logger log = LoggerFactory.getLogger(RequestSessions.class);

  final FilterSettings settings;
  private final BlockingSessionStore store;
  final HttpServletRequest request;
  /** The container's response, never our wrapper: headers set here do not re-enter the commit hooks. */
  private final HttpServletResponse response;

  private String presented;
  private Session loaded;
  private boolean storeDown;
  private HttpSessionAdapter current;
  /** The handle the client holds after this response: what it presented, or the last cookie set. */
  private String clientHandle;
  private boolean clearCookie;
  private boolean savedBeforeCommit;
  private boolean aborted;

  RequestSessions(FilterSettings settings, BlockingSessionStore store, HttpServletRequest request,
      HttpServletResponse response) {
    this.settings = settings;
    this.store = store;
    this.request = request;
    this.response = response;
  }

  void abort() {
    aborted = true;
  }

  void presented(String value, Session session) {
    this.presented = value;
    this.loaded = session;
    if (session != null) {
      clientHandle = value;
      current = new HttpSessionAdapter(this, session, false);
      session.touch();
    }
  }

  void presentedButUnavailable(String value) {
    this.presented = value;
    this.storeDown = true;
  }

  String requestedSessionId() {
    if (loaded != null) {
      return loaded.id();
    }
    return presented;
  }

  boolean requestedSessionIdValid() {
    return loaded != null && current != null && current.isValid() && current.session() == loaded;
  }

  boolean presentedCookie() {
    return presented != null;
  }

  HttpSessionAdapter session(boolean create) {
    if (current != null && current.isValid()) {
      return current;
    }
    if (!create) {
      return null;
    }
    if (response.isCommitted()) {
      throw new IllegalStateException("cannot create a session: the response has already been committed");
    }
    Session created = store.create();
    current = new HttpSessionAdapter(this, created, true);
    HttpSessionEvent event = new HttpSessionEvent(current);
    for (HttpSessionListener l : settings.sessionListeners) {
      l.sessionCreated(event);
    }
    return current;
  }

  String changeId() {
    if (current == null || !current.isValid()) {
      throw new IllegalStateException("changeSessionId: this request has no session (expected: getSession() first)");
    }
    String oldId = current.getId();
    Session moved = store.changeId(current.session());
    current.replace(moved);
    if (!settings.idListeners.isEmpty()) {
      HttpSessionEvent event = new HttpSessionEvent(current);
      for (HttpSessionIdListener l : settings.idListeners) {
        l.sessionIdChanged(event, oldId);
      }
    }
    return moved.id();
  }

  /** Called by the adapter after the destroy and unbind notifications. */
  void invalidated(HttpSessionAdapter session) {
    store.delete(session.session().id());
    if (clientHandle != null || presented != null) {
      clearCookie = true;
    }
  }

  boolean aborted() {
    return aborted;
  }

  /** The commit hook: the response is about to commit, so save now while a cookie can still be set. */
  void beforeCommit() {
    if (savedBeforeCommit || aborted) {
      return;
    }
    savedBeforeCommit = true;
    save();
  }

  boolean savedBeforeCommit() {
    return savedBeforeCommit;
  }

  void saveAtEnd() {
    if (!aborted) {
      save();
    }
  }

  private void save() {
    HttpSessionAdapter s = current;
    if (s == null || !s.isValid()) {
      if (clearCookie) {
        clearCookie = false;
        clientHandle = null;
        if (!response.isCommitted()) {
          response.addHeader("Set-Cookie", settings.cookie.clearingHeader(request));
        }
      }
      return;
    }
    String handle;
    try {
      handle = store.save(s.session());
    } catch (SessionStoreUnavailableException e) {
      if (storeDown || settings.unavailablePolicy == StoreUnavailablePolicy.CONTINUE_WITHOUT_SESSION) {
        log.warn("session store unavailable, session changes of this request are dropped: {}", e.getMessage());
        return;
      }
      if (response.isCommitted()) {
        throw e;
      }
      log.warn("session store unavailable while saving, answering 503: {}", e.getMessage());
      aborted = true;
      try {
        SessionFilter.respond503(response, settings.retryAfter);
      } catch (IOException io) {
        throw new UncheckedIOException(io);
      }
      return;
    }
    clearCookie = false;
    if (handle.equals(clientHandle)) {
      return;
    }
    if (response.isCommitted()) {
      log.warn("session {}...: saved, but the response was committed before its cookie could be set",
          handle.substring(0, Math.min(8, handle.length())));
      return;
    }
    response.addHeader("Set-Cookie", settings.cookie.header(request, handle));
    clientHandle = handle;
  }
}
