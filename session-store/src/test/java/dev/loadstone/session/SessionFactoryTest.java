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
}
