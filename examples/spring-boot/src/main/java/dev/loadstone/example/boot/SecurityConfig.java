package dev.loadstone.example.boot;

import static org.springframework.security.config.Customizer.withDefaults;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Plain Spring Security: form login with CSRF, logout, and at most one session per user. Nothing here knows about
 * Loadstone; the one session-related line, {@code maximumSessions(1)}, uses the {@link SessionRegistry} bean the
 * starter defines over the store's principal index (redis, memory). With the token store there is no shared index,
 * so the limit is left out rather than enforced per node.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {
  /** The actuator: health and Prometheus open, the rest (the sessions endpoint) for ADMIN over basic auth. */
  @Bean
  @Order(1)
  SecurityFilterChain actuator(HttpSecurity http) throws Exception {
    http.securityMatcher("/actuator/**")
        .authorizeHttpRequests(a -> a.requestMatchers("/actuator/health", "/actuator/prometheus").permitAll()
            .anyRequest().hasRole("ADMIN"))
        .httpBasic(withDefaults())
        .csrf(csrf -> csrf.disable()) // no browser session here: basic auth on each call, nothing to forge
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain pages(HttpSecurity http, ObjectProvider<SessionRegistry> registry) throws Exception {
    http.authorizeHttpRequests(a -> a.requestMatchers("/login", "/error", "/error/**").permitAll().anyRequest().authenticated())
        .formLogin(withDefaults())
        .logout(withDefaults());
    registry.ifAvailable(r -> {
      try {
        http.sessionManagement(s -> s.sessionConcurrency(c -> c.maximumSessions(1).expiredUrl("/login?expired")));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return http.build();
  }

  @Bean
  UserDetailsService users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice").password("{noop}alice-pw").roles("USER").build(),
        User.withUsername("bob").password("{noop}bob-pw").roles("USER").build(),
        User.withUsername("carol").password("{noop}carol-pw").roles("USER").build(),
        User.withUsername("dave").password("{noop}dave-pw").roles("USER").build(),
        User.withUsername("admin").password("{noop}admin-pw").roles("ADMIN").build());
  }
}
