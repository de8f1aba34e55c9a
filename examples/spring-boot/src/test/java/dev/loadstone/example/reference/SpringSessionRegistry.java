package dev.loadstone.example.reference;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;

/**
 * What Spring Session's documentation has an application add for maximumSessions across nodes. In its own package,
 * so the example application's component scan never picks it up for the Loadstone runs.
 */
@Configuration(proxyBeanMethods = false)
public class SpringSessionRegistry {
  @Bean
  <S extends Session> SessionRegistry referenceSessionRegistry(FindByIndexNameSessionRepository<S> sessions) {
    return new SpringSessionBackedSessionRegistry<>(sessions);
  }
}
