package dev.loadstone.session.boot;

import dev.loadstone.session.IndexedSessionStore;
import dev.loadstone.session.PrincipalResolver;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code sessions} actuator endpoint, when actuator is there and the store has a principal index. */
@AutoConfiguration(after = LoadstoneSessionAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(IndexedSessionStore.class)
@ConditionalOnAvailableEndpoint(endpoint = LoadstoneSessionsEndpoint.class)
public class LoadstoneSessionEndpointAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean
  LoadstoneSessionsEndpoint loadstoneSessionsEndpoint(IndexedSessionStore store, PrincipalResolver principals) {
    return new LoadstoneSessionsEndpoint(store, principals);
  }
}
