package dev.loadstone.session.boot;

import dev.loadstone.session.PrincipalResolver;
import dev.loadstone.session.security.SecurityPrincipals;
import dev.loadstone.session.security.SecuritySessionEvents;
import java.util.EventListener;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.web.session.HttpSessionEventPublisher;

/** The Spring Security half of the auto-configuration; loaded only when Spring Security is on the classpath. */
final class SecuritySupport {
  private SecuritySupport() {}

  static PrincipalResolver principalResolver() {
    return SecurityPrincipals.resolver();
  }

  static EventListener events(ApplicationEventPublisher publisher) {
    return new SecuritySessionEvents(publisher);
  }

  /** Security's publisher for container sessions: the starter publishes the same events itself. */
  static boolean isContainerEventPublisher(Object listener) {
    return listener instanceof HttpSessionEventPublisher;
  }
}
