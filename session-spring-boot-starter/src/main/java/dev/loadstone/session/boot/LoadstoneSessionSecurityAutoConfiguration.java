package dev.loadstone.session.boot;

import dev.loadstone.session.IndexedSessionStore;
import dev.loadstone.session.security.SecuritySessions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.session.SessionRegistry;

/**
 * With Spring Security and a store that indexes sessions by principal (redis, memory): a {@link SessionRegistry}
 * over that index, which Spring Security's {@code sessionManagement().maximumSessions(n)} picks up by itself, so
 * concurrent session control counts a user's sessions on every node. (A token store keeps no server-side index:
 * there Spring Security falls back to its own per-node registry.)
 */
@AutoConfiguration(after = LoadstoneSessionAutoConfiguration.class)
@ConditionalOnClass(SessionRegistry.class)
@ConditionalOnBean(IndexedSessionStore.class)
public class LoadstoneSessionSecurityAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean
  SessionRegistry loadstoneSessionRegistry(IndexedSessionStore store) {
    return SecuritySessions.registry(store);
  }
}
