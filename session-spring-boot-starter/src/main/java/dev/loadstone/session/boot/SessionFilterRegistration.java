package dev.loadstone.session.boot;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.servlet.SessionFilter;
import dev.loadstone.session.servlet.SessionFilterBuilder;
import dev.loadstone.session.servlet.StoreUnavailablePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.IdentityHashMap;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;

/**
 * The filter registration: before Spring Security's chain (order {@code loadstone.session.filter-order}), for
 * {@code /*} and every dispatcher type (forwards, includes, the error page and async dispatches see the same
 * session), async supported. The application's {@code HttpSessionListener}, {@code HttpSessionAttributeListener} and
 * {@code HttpSessionIdListener} beans are registered with the filter (the container's listeners only see container
 * sessions, which the filter replaces), and with Spring Security on the classpath Security's session events are
 * published as application events.
 */
final class SessionFilterRegistration {
  /** Spring Session's filter bean: two session filters in one application would each hand out their own session. */
  private static final String SPRING_SESSION_FILTER = "springSessionRepositoryFilter";

  private SessionFilterRegistration() {}

  static FilterRegistrationBean<SessionFilter> create(LoadstoneSessionProperties p, SessionStore store,
      Environment environment, ListableBeanFactory beans, ApplicationEventPublisher events, MeterRegistry registry) {
    if (beans.containsBean(SPRING_SESSION_FILTER)) {
      throw new IllegalStateException("Spring Session's " + SPRING_SESSION_FILTER + " and Loadstone's session filter "
          + "are both configured (expected: one of them; loadstone.session.enabled=false, or remove Spring Session)");
    }
    SessionFilterBuilder filter = SessionFilter.builder(store)
        .onStoreUnavailable(p.getOnStoreUnavailable() == LoadstoneSessionProperties.StoreDownPolicy.CONTINUE
            ? StoreUnavailablePolicy.CONTINUE_WITHOUT_SESSION : StoreUnavailablePolicy.RESPOND_503)
        .retryAfter(p.getRetryAfter());
    ServletSessionSettings.applyCookie(ServletSessionSettings.bind(environment), filter);
    if (p.getSessionIdHeader() != null) {
      filter.sessionIdHeader(p.getSessionIdHeader());
    }
    if (!p.isSessionIdCookie()) {
      filter.withoutCookie();
    }
    Map<EventListener, Boolean> listeners = new IdentityHashMap<>();
    for (Class<? extends EventListener> type : java.util.List.of(HttpSessionListener.class,
        HttpSessionAttributeListener.class, HttpSessionIdListener.class)) {
      for (EventListener l : beans.getBeansOfType(type).values()) {
        if (!(Codecs.SECURITY && SecuritySupport.isContainerEventPublisher(l))) {
          listeners.put(l, true);
        }
      }
    }
    listeners.keySet().forEach(filter::listener);
    if (Codecs.SECURITY) {
      filter.listener(SecuritySupport.events(events));
    }
    if (registry != null) {
      filter.listener(new SessionMetrics(registry));
    }
    FilterRegistrationBean<SessionFilter> registration = new FilterRegistrationBean<>(filter.build());
    registration.setName(LoadstoneSessionAutoConfiguration.FILTER_NAME);
    registration.setOrder(p.getFilterOrder());
    registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
    registration.setAsyncSupported(true);
    registration.addUrlPatterns("/*");
    return registration;
  }
}
