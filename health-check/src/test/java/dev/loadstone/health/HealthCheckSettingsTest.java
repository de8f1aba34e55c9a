package dev.loadstone.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckSettingsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    HealthCheckSettings s = HealthCheckSettings.defaults();
    assertThat(s.type()).isEqualTo(HealthCheckSettings.Type.HTTP);
    assertThat(s.method()).isEqualTo("GET");
    assertThat(s.path()).isEqualTo("/");
    assertThat(s.hostHeader()).isNull();
    assertThat(s.minStatus()).isEqualTo(200);
    assertThat(s.maxStatus()).isEqualTo(399);
    assertThat(s.bodyContains()).isNull();
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.downInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.jitter()).isEqualTo(0.1);
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.rise()).isEqualTo(2);
    assertThat(s.fall()).isEqualTo(3);
    assertThat(s.port()).isZero();
    assertThat(s.consecutiveFailures()).isEqualTo(5);
    assertThat(s.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.maxEjectionShare()).isEqualTo(0.5);
  }

  @Test
  void downIntervalFollowsTheIntervalUnlessSet() {
    assertThat(HealthCheckSettings.builder().interval(Duration.ofMillis(500)).build().downInterval())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(HealthCheckSettings.builder().interval(Duration.ofSeconds(5)).downInterval(Duration.ofSeconds(1)).build()
        .downInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void expectedStatusesAreAnInclusiveRange() {
    HealthCheckSettings s = HealthCheckSettings.builder().expectedStatuses(200, 204).build();
    assertThat(s.isExpectedStatus(199)).isFalse();
    assertThat(s.isExpectedStatus(200)).isTrue();
    assertThat(s.isExpectedStatus(204)).isTrue();
    assertThat(s.isExpectedStatus(205)).isFalse();
  }

  @Test
  void invalidValuesFailNamingTheValueAndTheExpectation() {
    assertThatThrownBy(() -> HealthCheckSettings.builder().rise(0))
        .hasMessage("health rise: 0 (expected: 1..1000)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().fall(-1))
        .hasMessage("health fall: -1 (expected: 1..1000)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().interval(Duration.ZERO))
        .hasMessage("health interval: PT0S (expected: > 0)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().timeout(Duration.ofSeconds(-1)))
        .hasMessage("health timeout: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().jitter(0.9))
        .hasMessage("health jitter: 0.9 (expected: 0.0..0.5)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().path("healthz"))
        .hasMessageStartingWith("health path: 'healthz' (expected: an absolute path");
    assertThatThrownBy(() -> HealthCheckSettings.builder().port(70000))
        .hasMessage("health port: 70000 (expected: 1..65535)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().expectedStatuses(300, 200))
        .hasMessage("health expected statuses: 300-200 (expected: a range within 100-599, from <= to)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().method("get"))
        .hasMessageStartingWith("health method: 'get'");
    assertThatThrownBy(() -> HealthCheckSettings.builder().maxEjectionShare(1.5))
        .hasMessage("outlier max ejection share: 1.5 (expected: 0.0..1.0)");
    assertThatThrownBy(() -> HealthCheckSettings.builder()
        .baseEjectionTime(Duration.ofSeconds(60)).maxEjectionTime(Duration.ofSeconds(10)).build())
        .hasMessage("outlier max ejection time: PT10S (expected: >= base ejection time PT1M)");
    assertThatThrownBy(() -> HealthCheckSettings.builder().type(HealthCheckSettings.Type.TCP).bodyContains("ok").build())
        .hasMessage("health body substring: 'ok' (expected: only with type HTTP, not TCP)");
  }

  @Test
  void anOptionSetTwiceIsAnError() {
    assertThatThrownBy(() -> HealthCheckSettings.builder().rise(2).rise(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("rise was already set");
  }
}
