package dev.loadstone.session.boot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

/**
 * Session lifecycle counters on Boot's {@link MeterRegistry} (registered at start-up, so they show in {@code
 * /actuator/prometheus} from the first scrape): {@code loadstone.session.started} (a name ending in created is reserved in Prometheus), {@code loadstone.session.destroyed}
 * (invalidated, expired, or ended by "log out everywhere"), {@code loadstone.session.id.changed} (logins, with
 * session fixation protection). The stores add theirs: {@code loadstone.session.attributes.undecodable}, {@code
 * loadstone.session.nearcache.loads}, {@code loadstone.session.token.rejected}.
 */
final class SessionMetrics implements HttpSessionListener, HttpSessionIdListener {
  private final Counter created;
  private final Counter destroyed;
  private final Counter idChanged;

  SessionMetrics(MeterRegistry registry) {
    created = Counter.builder("loadstone.session.started").description("Sessions started (created)").register(registry);
    destroyed = Counter.builder("loadstone.session.destroyed")
        .description("Sessions ended: invalidated, expired, or ended by log out everywhere").register(registry);
    idChanged = Counter.builder("loadstone.session.id.changed")
        .description("Session id changes (session fixation protection on login)").register(registry);
  }

  @Override
  public void sessionCreated(HttpSessionEvent se) {
    created.increment();
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent se) {
    destroyed.increment();
  }

  @Override
  public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
    idChanged.increment();
  }
}
