package dev.loadstone.session.boot;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.PrincipalResolver;
import dev.loadstone.session.SessionCodec;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.redis.RedisSessionStore;
import dev.loadstone.session.servlet.SessionFilter;
import dev.loadstone.session.token.TokenSessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Shared sessions for a servlet application: the store {@code loadstone.session.store} names (memory, redis, token),
 * owned by the context (closed after the web server stopped), and the session filter registered before Spring
 * Security's filter chain for every dispatcher type. Each bean backs off when the application defines its own of the
 * same type ({@link SessionStore}, {@link SessionFactory}, {@link SessionCodec}, {@link PrincipalResolver}, or a
 * filter registration named {@value #FILTER_NAME}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SessionFilter.class, FilterRegistrationBean.class})
@ConditionalOnProperty(prefix = "loadstone.session", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LoadstoneSessionProperties.class)
public class LoadstoneSessionAutoConfiguration {
  /** The bean name of the filter registration. */
  public static final String FILTER_NAME = "loadstoneSessionFilter";

  @Bean
  @ConditionalOnMissingBean
  SessionCodec loadstoneSessionCodec(LoadstoneSessionProperties properties, ListableBeanFactory beans,
      ObjectProvider<JsonCodecCustomizer> customizers) {
    return Codecs.build(properties.getCodec(), beans, customizers.orderedStream().toList());
  }

  @Bean
  @ConditionalOnMissingBean
  PrincipalResolver loadstoneSessionPrincipalResolver(LoadstoneSessionProperties properties) {
    return Codecs.SECURITY ? SecuritySupport.principalResolver()
        : PrincipalResolver.attribute(PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE);
  }

  @Bean
  @ConditionalOnMissingBean
  SessionFactory loadstoneSessionFactory(LoadstoneSessionProperties properties, Environment environment,
      SessionCodec codec, PrincipalResolver principals, ObjectProvider<MeterRegistry> registry) {
    SessionFactory.Builder f = SessionFactory.builder()
        .codec(codec)
        .principalResolver(principals)
        .idleTimeout(ServletSessionSettings.idleTimeout(ServletSessionSettings.bind(environment)))
        .absoluteTimeout(properties.getAbsoluteTimeout());
    registry.ifUnique(f::meterRegistry);
    return f.build();
  }

  /** One store, by {@code loadstone.session.store}; none when the application defines a {@link SessionStore}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SessionStore.class)
  static class StoreConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "loadstone.session.store", havingValue = "memory", matchIfMissing = true)
    InMemorySessionStore loadstoneSessionStore(SessionFactory sessions, LoadstoneSessionProperties properties) {
      return Stores.memory(sessions, properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "loadstone.session.store", havingValue = "redis")
    RedisSessionStore loadstoneRedisSessionStore(SessionFactory sessions, LoadstoneSessionProperties properties,
        Environment environment) {
      return Stores.redis(sessions, properties.getRedis(), environment);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "loadstone.session.store", havingValue = "token")
    Stores.TokenResources loadstoneTokenSessionResources() {
      return new Stores.TokenResources();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "loadstone.session.store", havingValue = "token")
    TokenSessionStore loadstoneTokenSessionStore(SessionFactory sessions, LoadstoneSessionProperties properties,
        Environment environment, Stores.TokenResources resources) {
      return Stores.token(sessions, properties, environment, resources);
    }
  }

  @Bean
  @ConditionalOnMissingBean(name = FILTER_NAME)
  FilterRegistrationBean<SessionFilter> loadstoneSessionFilter(LoadstoneSessionProperties properties, SessionStore store,
      Environment environment, ListableBeanFactory beans, ApplicationEventPublisher events,
      ObjectProvider<MeterRegistry> registry) {
    return SessionFilterRegistration.create(properties, store, environment, beans, events, registry.getIfUnique());
  }
}
