package dev.loadstone.session.servlet;

import dev.loadstone.session.Session;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * The {@link HttpSession} the application sees, over a store's {@link Session}, with the listener calls of
 * the Servlet specification (section 7): binding listeners on the values, attribute listeners on every add,
 * replace and remove, session listeners on creation and invalidation.
 */
final class HttpSessionAdapter implements HttpSession {
  private final RequestSessions owner;
  private Session session;
  private final boolean isNew;
  private final long lastAccessedMillis;
  private boolean valid = true;

  HttpSessionAdapter(RequestSessions owner, Session session, boolean isNew) {
    this.owner = owner;
    this.session = session;
    this.isNew = isNew;
    this.lastAccessedMillis = session.lastAccessedTime().toEpochMilli();
  }

  Session session() {
    return session;
  }

  boolean isValid() {
    return valid;
  }

  void replace(Session moved) {
    this.session = moved;
  }

  private void check(String method) {
    if (!valid) {
      throw new IllegalStateException(method + ": the session has been invalidated");
    }
  }

  @Override
  public long getCreationTime() {
    check("getCreationTime");
    return session.creationTime().toEpochMilli();
  }

  @Override
  public String getId() {
    return session.id();
  }

  @Override
  public long getLastAccessedTime() {
    check("getLastAccessedTime");
    return lastAccessedMillis;
  }

  @Override
  public ServletContext getServletContext() {
    return owner.request.getServletContext();
  }

  /**
   * Seconds; zero or negative means no idle limit (the absolute timeout, when there is one, still ends it, and a
   * session with neither lives a year after its last access), read back as 0.
   */
  @Override
  public void setMaxInactiveInterval(int interval) {
    check("setMaxInactiveInterval");
    session.setIdleTimeout(interval > 0 ? Duration.ofSeconds(interval) : Duration.ZERO);
  }

  @Override
  public int getMaxInactiveInterval() {
    check("getMaxInactiveInterval");
    return (int) Math.min(Integer.MAX_VALUE, session.idleTimeout().toSeconds());
  }

  @Override
  public Object getAttribute(String name) {
    check("getAttribute");
    return session.getAttribute(name);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    check("getAttributeNames");
    return Collections.enumeration(new ArrayList<>(session.getAttributeNames()));
  }

  @Override
  public void setAttribute(String name, Object value) {
    check("setAttribute");
    Objects.requireNonNull(name, "name");
    if (value == null) {
      removeAttribute(name);
      return;
    }
    Object old = session.getAttribute(name);
    session.setAttribute(name, value); // first: a value the store's codec cannot write fails here, unbound
    if (value instanceof HttpSessionBindingListener bound) {
      bound.valueBound(new HttpSessionBindingEvent(this, name, value));
    }
    if (old != null && old != value && old instanceof HttpSessionBindingListener unbound) {
      unbound.valueUnbound(new HttpSessionBindingEvent(this, name, old));
    }
    List<HttpSessionAttributeListener> listeners = owner.settings.attributeListeners;
    if (!listeners.isEmpty()) {
      HttpSessionBindingEvent event = new HttpSessionBindingEvent(this, name, old == null ? value : old);
      for (HttpSessionAttributeListener l : listeners) {
        if (old == null) {
          l.attributeAdded(event);
        } else {
          l.attributeReplaced(event);
        }
      }
    }
  }

  @Override
  public void removeAttribute(String name) {
    check("removeAttribute");
    Object old = session.getAttribute(name);
    if (old == null) {
      return;
    }
    session.removeAttribute(name);
    if (old instanceof HttpSessionBindingListener unbound) {
      unbound.valueUnbound(new HttpSessionBindingEvent(this, name, old));
    }
    List<HttpSessionAttributeListener> listeners = owner.settings.attributeListeners;
    if (!listeners.isEmpty()) {
      HttpSessionBindingEvent event = new HttpSessionBindingEvent(this, name, old);
      for (HttpSessionAttributeListener l : listeners) {
        l.attributeRemoved(event);
      }
    }
  }

  @Override
  public void invalidate() {
    check("invalidate");
    destroyed(this, owner.settings.sessionListeners);
    for (String name : new ArrayList<>(session.getAttributeNames())) {
      removeAttribute(name);
    }
    valid = false;
    owner.invalidated(this);
  }

  /** sessionDestroyed, in reverse order of declaration (Servlet 6.0, 11.5.3), before the attributes are unbound. */
  static void destroyed(HttpSession session, List<HttpSessionListener> listeners) {
    HttpSessionEvent event = new HttpSessionEvent(session);
    for (int i = listeners.size() - 1; i >= 0; i--) {
      listeners.get(i).sessionDestroyed(event);
    }
  }

  @Override
  public boolean isNew() {
    check("isNew");
    return isNew;
  }

  @Override
  public String toString() {
    return "HttpSession[" + session.id().substring(0, Math.min(8, session.id().length())) + "...]";
  }
}
