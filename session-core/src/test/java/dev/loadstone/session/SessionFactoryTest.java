package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import org.junit.jupiter.api.Test;

class SessionFactoryTest {
  @Test
  void metricsGoToTheGlobalRegistryByDefault() {
    SessionFactory.defaults();
    assertThat(Metrics.globalRegistry.find(SessionFactory.UNDECODABLE_METRIC).counter()).isNotNull();
  }

  record Secret(String value) implements java.io.Serializable {}

  @Test
  void anAttributeRejectedByTheJavaAllowlistIsHiddenAndItsClassIsNamedInTheLog() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SessionFactory.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      byte[] bytes = JavaSerializationCodec.allowing(java.util.List.of(Secret.class)).encode(new Secret("x"));
      SessionFactory factory = SessionFactory.builder().codec(JavaSerializationCodec.allowing(java.util.List.of()))
          .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).build();
      java.time.Instant now = java.time.Instant.now();
      TrackedSession s = factory.open(new SessionData(factory.ids().next(), now, now, java.time.Duration.ofMinutes(30),
          java.time.Duration.ofHours(12), java.util.Map.of("secret", bytes)));
      assertThat(s.getAttribute("secret")).isNull();
      assertThat(appender.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
          .contains("attribute 'secret'").contains(Secret.class.getName()));
    } finally {
      logger.detachAppender(appender);
    }
  }
}
