package dev.loadstone.session.security;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.Objects;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.web.session.HttpSessionCreatedEvent;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.security.web.session.HttpSessionIdChangedEvent;

/**
 * What Spring Security's {@code HttpSessionEventPublisher} does for container sessions, for Loadstone sessions:
 * registered with the session filter ({@code SessionFilter.builder(store).listener(...)}), it publishes {@link
 * HttpSessionCreatedEvent}, {@link HttpSessionDestroyedEvent} (on invalidation, on expiry found by the store's
 * sweep, on "log out everywhere") and {@link HttpSessionIdChangedEvent} as Spring application events, so listeners
 * written for them keep working. (The container's {@code HttpSessionEventPublisher} only ever sees the container's
 * own sessions, which the filter replaces.)
 */
public final class SecuritySessionEvents implements HttpSessionListener, HttpSessionIdListener {
  private final ApplicationEventPublisher publisher;

  public SecuritySessionEvents(ApplicationEventPublisher publisher) {
    this.publisher = Objects.requireNonNull(publisher, "publisher");
  }

  @Override
  public void sessionCreated(HttpSessionEvent event) {
    publisher.publishEvent(new HttpSessionCreatedEvent(event.getSession()));
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent event) {
    publisher.publishEvent(new HttpSessionDestroyedEvent(event.getSession()));
  }

  @Override
  public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
    publisher.publishEvent(new HttpSessionIdChangedEvent(event.getSession(), oldSessionId));
  }
}
