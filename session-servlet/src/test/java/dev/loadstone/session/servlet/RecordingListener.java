package dev.loadstone.session.servlet;

import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every session event it gets, as text. */
public final class RecordingListener implements HttpSessionListener, HttpSessionAttributeListener,
    HttpSessionIdListener {
  static final List<String> LAST_CREATED_BY_INIT_PARAMS = new CopyOnWriteArrayList<>();

  final List<String> events;

  public RecordingListener() {
    this.events = LAST_CREATED_BY_INIT_PARAMS;
  }

  RecordingListener(List<String> events) {
    this.events = events;
  }

  @Override
  public void sessionCreated(HttpSessionEvent se) {
    events.add("created");
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent se) {
    events.add("destroyed");
  }

  @Override
  public void attributeAdded(HttpSessionBindingEvent event) {
    events.add("added " + event.getName() + "=" + event.getValue());
  }

  @Override
  public void attributeRemoved(HttpSessionBindingEvent event) {
    events.add("removed " + event.getName() + "=" + event.getValue());
  }

  @Override
  public void attributeReplaced(HttpSessionBindingEvent event) {
    events.add("replaced " + event.getName() + "=" + event.getValue());
  }

  @Override
  public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
    events.add("id changed");
  }
}
