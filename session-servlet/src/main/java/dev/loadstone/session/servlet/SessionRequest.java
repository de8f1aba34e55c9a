package dev.loadstone.session.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;

/** The request the application sees: its sessions come from the store, not from the container. */
final class SessionRequest extends HttpServletRequestWrapper {
  private final RequestSessions sessions;

  SessionRequest(HttpServletRequest request, RequestSessions sessions) {
    super(request);
    this.sessions = sessions;
  }

  @Override
  public HttpSession getSession(boolean create) {
    return sessions.session(create);
  }

  @Override
  public HttpSession getSession() {
    return sessions.session(true);
  }

  @Override
  public String changeSessionId() {
    return sessions.changeId();
  }

  @Override
  public String getRequestedSessionId() {
    return sessions.requestedSessionId();
  }

  @Override
  public boolean isRequestedSessionIdValid() {
    return sessions.requestedSessionIdValid();
  }

  @Override
  public boolean isRequestedSessionIdFromCookie() {
    return sessions.presentedCookie();
  }

  @Override
  public boolean isRequestedSessionIdFromURL() {
    return false;
  }
}
