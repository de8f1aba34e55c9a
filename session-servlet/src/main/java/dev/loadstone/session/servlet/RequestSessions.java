package dev.loadstone.session.servlet;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionIds;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.SessionTooLargeException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
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
 * One request's session state across all its dispatches (request, forwards and includes, the error page, async):
 * what the client presented, the session handed to the application, and the save that runs before the response
 * commits and again when a dispatch ends.
 */
final class RequestSessions {
  private static final Logger log = LoggerFactory.getLogger(RequestSessions.class);

  final FilterSettings settings;
  private final BlockingSessionStore store;
  final HttpServletRequest request;
  /** The container's response, never our wrapper: headers set here do not re-enter the commit hooks. */
  private HttpServletResponse response;

  private String presented;
  /** The id the client's handle named when it was loaded (its handle is a token for token stores). */
  private String requestedId;
  private Session loaded;
  private boolean storeDown;
  private HttpSessionAdapter current;
  /** The handle the client holds after this response: what it presented, or the last one sent. */
  private String clientHandle;
  private boolean clearHandle;
  private boolean savedBeforeCommit;
  private boolean aborted;
  private boolean asyncListening;
  private SessionResponse responseWrapper;

  RequestSessions(FilterSettings settings, BlockingSessionStore store, HttpServletRequest request,
      HttpServletResponse response) {
    this.settings = settings;
    this.store = store;
    this.request = request;
    this.response = response;
  }

  HttpServletResponse containerResponse() {
    return response;
  }

  /** The response wrapper of the current dispatch (what an async context must hold). */
  SessionResponse responseWrapper() {
    return responseWrapper;
  }

  void responseWrapper(SessionResponse wrapper) {
    this.responseWrapper = wrapper;
  }

  void abort() {
    aborted = true;
  }

  void presented(String value, Session session) {
    this.presented = value;
    this.loaded = session;
    if (session != null) {
      clientHandle = value;
      requestedId = session.id();
      current = new HttpSessionAdapter(this, session, false);
      session.touch();
    }
  }

  void presentedButUnavailable(String value) {
    this.presented = value;
    this.storeDown = true;
  }

  /** Another dispatch of this request begins (error page, async): it may commit the response again. */
  void redispatched(HttpServletResponse containerResponse) {
    if (!(containerResponse instanceof SessionResponse)) {
      this.response = containerResponse;
    }
    savedBeforeCommit = false;
  }

  String requestedSessionId() {
    return requestedId != null ? requestedId : presented;
  }

  boolean requestedSessionIdValid() {
    return loaded != null && current != null && current.isValid() && current.session() == loaded
        && loaded.id().equals(requestedId);
  }

  boolean presentedHandle() {
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
      clearHandle = true;
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

  /** The application went asynchronous: save when the async cycle ends (its last dispatch saves too). */
  void saveWhenAsyncEnds(AsyncContext async) {
    if (asyncListening) {
      return;
    }
    asyncListening = true;
    async.addListener(new AsyncListener() {
      @Override
      public void onComplete(AsyncEvent event) {
        saveQuietly();
      }

      @Override
      public void onTimeout(AsyncEvent event) {
        saveQuietly();
      }

      @Override
      public void onError(AsyncEvent event) {
        saveQuietly();
      }

      @Override
      public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this); // a new async cycle: keep listening
      }
    });
  }

  private void saveQuietly() {
    try {
      saveAtEnd();
    } catch (RuntimeException e) {
      log.warn("session not saved at the end of an async request: {}", e.toString());
    }
  }

  private void save() {
    HttpSessionAdapter s = current;
    if (s == null || !s.isValid()) {
      if (clearHandle) {
        clearHandle = false;
        clientHandle = null;
        if (!response.isCommitted()) {
          settings.resolver.clear(request, response);
        }
      }
      return;
    }
    String handle;
    try {
      handle = store.save(s.session());
    } catch (SessionTooLargeException e) {
      // Nothing was written and the client keeps the handle it has, which still works: never a 500, never a lock-out.
      log.warn("session changes of this request dropped, the client keeps its previous session: {}", e.getMessage());
      return;
    } catch (SessionStoreUnavailableException e) {
      storeFailedAtSave(e);
      return;
    }
    clearHandle = false;
    if (handle.equals(clientHandle)) {
      return;
    }
    if (response.isCommitted()) {
      log.warn("session {}...: saved, but the response was committed before its handle could be sent",
          SessionIds.prefix(handle));
      return;
    }
    settings.resolver.send(request, response, handle);
    clientHandle = handle;
  }

  private void storeFailedAtSave(SessionStoreUnavailableException e) {
    if (storeDown || settings.unavailablePolicy == StoreUnavailablePolicy.CONTINUE_WITHOUT_SESSION) {
      log.warn("session store unavailable, session changes of this request are dropped: {}", e.getMessage());
      return;
    }
    if (response.isCommitted()) {
      throw e;
    }
    aborted = true;
    try {
      if (Responses.idempotent(request.getMethod())) {
        log.warn("session store unavailable while saving, answering 503: {}", e.getMessage());
        Responses.unavailable(response, settings.retryAfter);
      } else {
        log.warn("session store unavailable while saving after {} ran, answering 500: {}", request.getMethod(),
            e.getMessage());
        Responses.notSaved(response);
      }
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
  }
}
