package dev.loadstone.session.servlet;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionEventListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Sessions that ended without a request (timed out, or "log out everywhere"), told to the application as the
 * Servlet specification says for an invalidation: {@code sessionDestroyed} (reverse order), then every value
 * unbound ({@code valueUnbound}, {@code attributeRemoved}). The session is shown as a read-only {@link HttpSession}
 * of its last stored state.
 */
final class EndedSessions implements SessionEventListener {
  private final FilterSettings settings;
  private final ServletContext context;

  EndedSessions(FilterSettings settings, ServletContext context) {
    this.settings = settings;
    this.context = context;
  }

  @Override
  public void sessionExpired(Session session) {
    ended(session);
  }

  @Override
  public void sessionDeleted(Session session) {
    ended(session);
  }

  private void ended(Session session) {
    Ended view = new Ended(session, context);
    HttpSessionAdapter.destroyed(view, settings.sessionListeners);
    for (String name : new ArrayList<>(session.getAttributeNames())) {
      Object value = session.getAttribute(name);
      if (value == null) {
        continue;
      }
      HttpSessionBindingEvent event = new HttpSessionBindingEvent(view, name, value);
      if (value instanceof HttpSessionBindingListener bound) {
        bound.valueUnbound(event);
      }
      for (HttpSessionAttributeListener l : settings.attributeListeners) {
        l.attributeRemoved(event);
      }
    }
  }

  /** An ended session: readable, never changed (there is nothing left to save it into). */
  private record Ended(Session session, ServletContext context) implements HttpSession {
    @Override
    public long getCreationTime() {
      return session.creationTime().toEpochMilli();
    }

    @Override
    public String getId() {
      return session.id();
    }

    @Override
    public long getLastAccessedTime() {
      return session.lastAccessedTime().toEpochMilli();
    }

    @Override
    public ServletContext getServletContext() {
      return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
      throw ended("setMaxInactiveInterval");
    }

    @Override
    public int getMaxInactiveInterval() {
      return (int) Math.min(Integer.MAX_VALUE, session.idleTimeout().toSeconds());
    }

    @Override
    public Object getAttribute(String name) {
      return session.getAttribute(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
      return Collections.enumeration(List.copyOf(session.getAttributeNames()));
    }

    @Override
    public void setAttribute(String name, Object value) {
      throw ended("setAttribute");
    }

    @Override
    public void removeAttribute(String name) {
      throw ended("removeAttribute");
    }

    @Override
    public void invalidate() {
      throw ended("invalidate");
    }

    @Override
    public boolean isNew() {
      return false;
    }

    private static IllegalStateException ended(String method) {
      return new IllegalStateException(method + ": the session has ended (timed out or logged out elsewhere)");
    }
  }
}
