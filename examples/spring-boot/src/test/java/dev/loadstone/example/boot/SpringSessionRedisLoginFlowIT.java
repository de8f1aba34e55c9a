package dev.loadstone.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.example.reference.SpringSessionRegistry;
import java.util.Map;

/**
 * The reference: the same application and flow on Spring Session's Redis repository, set up as its documentation
 * says for concurrent session control (the indexed repository and its {@code SpringSessionBackedSessionRegistry}),
 * with the Loadstone starter switched off.
 */
class SpringSessionRedisLoginFlowIT extends AbstractIndexedLoginFlowIT {
  @Override
  Map<String, String> properties() {
    return Map.of(
        "loadstone.session.enabled", "false",
        "spring.session.redis.repository-type", "indexed", // Boot 3.5
        "spring.session.data.redis.repository-type", "indexed", // Boot 4
        // Counting commands per request: no cleanup job inside the measured window.
        "spring.session.redis.cleanup-cron", "-",
        "spring.session.data.redis.cleanup-cron", "-");
  }

  @Override
  Class<?>[] extraSources() {
    return new Class<?>[] {SpringSessionRegistry.class};
  }

  @Override
  void assertMetrics(String prometheus) {
    // Spring Session publishes no metrics of its own.
  }

  @Override
  String storeName() {
    return "spring-session-redis-indexed";
  }

  /** The reference is recorded, not judged: its counts go to the table as they are. */
  @Override
  void checkRoundTrips(RoundTrips counted) {
    assertThat(counted.rows).hasSize(4);
  }
}
