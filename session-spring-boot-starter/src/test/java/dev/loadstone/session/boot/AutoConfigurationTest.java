package dev.loadstone.session.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.JavaSerializationCodec;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.SessionCodec;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.servlet.SessionFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;

/** What the auto-configuration registers, and that each part backs off for the application's own bean. */
class AutoConfigurationTest {
  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LoadstoneSessionAutoConfiguration.class,
          LoadstoneSessionSecurityAutoConfiguration.class, LoadstoneSessionEndpointAutoConfiguration.class));

  @Test
  void theFilterRunsBeforeSpringSecurityForEveryDispatcherTypeOnEveryPath() {
    runner.run(context -> {
      FilterRegistrationBean<?> filter = context.getBean(LoadstoneSessionAutoConfiguration.FILTER_NAME,
          FilterRegistrationBean.class);
      assertThat(filter.getFilter()).isInstanceOf(SessionFilter.class);
      assertThat(filter.getOrder()).isEqualTo(Integer.MIN_VALUE + 50).isLessThan(-100); // Security's chain is at -100
      assertThat(filter.getUrlPatterns()).containsExactly("/*");
      assertThat(filter.isAsyncSupported()).isTrue();
      assertThat(filter).extracting("dispatcherTypes").isEqualTo(EnumSet.allOf(DispatcherType.class));
    });
  }

  @Test
  void theDefaultIsTheInMemoryStoreWithTheSecurityPresetAndARegistryOverItsIndex() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=sessions").run(context -> {
      assertThat(context).hasSingleBean(InMemorySessionStore.class).hasSingleBean(SessionRegistry.class)
          .hasSingleBean(LoadstoneSessionsEndpoint.class);
      assertThat(context.getBean(SessionCodec.class)).isInstanceOf(JsonSessionCodec.class);
      assertThat(context.getBean(SessionFactory.class).idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    });
  }

  @Test
  void theStoreItCreatesIsClosedWithTheApplicationContext() {
    for (String store : java.util.List.of("memory", "token")) {
      runner.withPropertyValues("loadstone.session.store=" + store, "loadstone.session.token.keys=k1=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=").run(context -> {
        String name = context.getBeanNamesForType(SessionStore.class)[0];
        assertThat(context.getBeanFactory().getBeanDefinition(name).getDestroyMethodName()).as(store)
            .isEqualTo("close");
      });
    }
  }

  @Test
  void serverServletSessionTimeoutIsTheIdleTimeoutAndOurOwnPropertiesBind() {
    runner.withPropertyValues("server.servlet.session.timeout=7m", "loadstone.session.absolute-timeout=2h",
            "loadstone.session.codec.type=java", "loadstone.session.filter-order=-500")
        .run(context -> {
          SessionFactory f = context.getBean(SessionFactory.class);
          assertThat(f.idleTimeout()).isEqualTo(Duration.ofMinutes(7));
          assertThat(f.absoluteTimeout()).isEqualTo(Duration.ofHours(2));
          assertThat(f.codec()).isInstanceOf(JavaSerializationCodec.class);
          assertThat(context.getBean(LoadstoneSessionAutoConfiguration.FILTER_NAME, FilterRegistrationBean.class)
              .getOrder()).isEqualTo(-500);
        });
  }

  @Test
  void metricsGoToTheApplicationsMeterRegistry() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(context.getBean(SessionFactory.class).meterRegistry()).isSameAs(registry);
      assertThat(registry.find("loadstone.session.started").counter()).isNotNull();
      assertThat(registry.find(SessionFactory.UNDECODABLE_METRIC).counter()).isNotNull();
    });
  }

  @Test
  void eachPartBacksOffForTheApplicationsOwnBean() {
    SessionCodec codec = JavaSerializationCodec.builder().build();
    SessionRegistry registry = new SessionRegistryImpl();
    runner.withBean(SessionCodec.class, () -> codec).withBean(SessionRegistry.class, () -> registry)
        .withBean("myStore", SessionStore.class, () -> InMemorySessionStore.builder().build())
        .run(context -> {
          assertThat(context).hasSingleBean(SessionStore.class).doesNotHaveBean("loadstoneSessionStore");
          assertThat(context.getBean(SessionStore.class)).isSameAs(context.getBean("myStore"));
          assertThat(context.getBean(SessionCodec.class)).isSameAs(codec);
          assertThat(context.getBean(SessionFactory.class).codec()).isSameAs(codec);
          assertThat(context.getBean(SessionRegistry.class)).isSameAs(registry);
        });
    runner.withBean(LoadstoneSessionAutoConfiguration.FILTER_NAME, FilterRegistrationBean.class,
        FilterRegistrationBean::new).run(context ->
        assertThat(context.getBean(LoadstoneSessionAutoConfiguration.FILTER_NAME, FilterRegistrationBean.class).getFilter())
            .isNull());
  }

  @Test
  void theTokenStoreHasNoRegistryOrEndpointAndNeedsKeys() {
    runner.withPropertyValues("loadstone.session.store=token").run(context ->
        assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("loadstone.session.store=token: no key ring (expected: loadstone.session.token.keys="));
    runner.withPropertyValues("loadstone.session.store=token",
            "loadstone.session.token.keys=k1=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
        .withPropertyValues("management.endpoints.web.exposure.include=sessions")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SessionRegistry.class)
            .doesNotHaveBean(LoadstoneSessionsEndpoint.class));
  }

  @Test
  void switchedOffItRegistersNothing() {
    runner.withPropertyValues("loadstone.session.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(SessionStore.class).doesNotHaveBean(FilterRegistrationBean.class));
  }

  @Test
  void springSessionsFilterBesideOursFailsAtStartNamingBoth() {
    runner.withBean("springSessionRepositoryFilter", Object.class, Object::new).run(context ->
        assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("Spring Session's springSessionRepositoryFilter and Loadstone's session filter"));
  }
}
