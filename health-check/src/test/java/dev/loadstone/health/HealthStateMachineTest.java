package dev.loadstone.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HealthStateMachineTest {
  private final FakeTicker ticker = new FakeTicker();
  private final BackendPool pool = BackendPool.builder().ticker(ticker).balancer(Balancers.roundRobin()).build();
  private final List<String> transitions = new CopyOnWriteArrayList<>();
  private final HealthObserver observer = new HealthObserver() {
    @Override
    public void onTransition(String backendId, Health health, String reason) {
      transitions.add(backendId + " " + health + " " + reason);
    }
  };

  private HealthStateMachine machine(HealthCheckSettings settings, String... ids) {
    HealthStateMachine m = new HealthStateMachine(pool, settings, ticker, observer);
    int port = 9001;
    for (String id : ids) {
      pool.add(Backend.of(id, "127.0.0.1:" + port++, 1), Health.UP);
      m.track(id, Health.UP);
    }
    return m;
  }

  private static CheckResult pass() {
    return CheckResult.pass("status 200", Duration.ofMillis(1), Instant.EPOCH);
  }

  private static CheckResult fail(String detail) {
    return CheckResult.fail(detail, Duration.ofMillis(1), Instant.EPOCH);
  }

  private Health health(String id) {
    return pool.snapshot().get(id).health();
  }

  @Test
  void backendGoesDownAfterExactlyFallFailedChecksAndSaysWhy() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    m.onCheck("b2", fail("connect refused"));
    m.onCheck("b2", fail("connect refused"));
    assertThat(health("b2")).isEqualTo(Health.UP);
    assertThat(transitions).isEmpty();
    m.onCheck("b2", fail("connect refused"));
    assertThat(health("b2")).isEqualTo(Health.DOWN);
    assertThat(pool.snapshot().available()).extracting(s -> s.id()).containsExactly("b1");
    assertThat(transitions).containsExactly("b2 DOWN after 3 failed checks: connect refused");
  }

  @Test
  void downBackendComesBackAfterExactlyRisePassedChecks() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1");
    for (int i = 0; i < 3; i++) {
      m.onCheck("b1", fail("status 503"));
    }
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.UP);
    assertThat(transitions).containsExactly(
        "b1 DOWN after 3 failed checks: status 503", "b1 UP after 2 passed checks: status 200");
  }

  @Test
  void flappingWithinTheThresholdsChangesNothing() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1");
    for (int i = 0; i < 20; i++) {
      m.onCheck("b1", fail("status 500"));
      m.onCheck("b1", fail("status 500"));
      m.onCheck("b1", pass());
    }
    assertThat(health("b1")).isEqualTo(Health.UP);
    assertThat(transitions).isEmpty();
  }

  @Test
  void backendAddedDownGetsTrafficOnlyAfterRisePasses() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1");
    pool.add(Backend.of("b3", "127.0.0.1:9003", 1), Health.DOWN);
    m.track("b3", Health.DOWN);
    assertThat(pool.snapshot().available()).extracting(s -> s.id()).containsExactly("b1");
    m.onCheck("b3", pass());
    assertThat(health("b3")).isEqualTo(Health.DOWN);
    m.onCheck("b3", pass());
    assertThat(health("b3")).isEqualTo(Health.UP);
  }

  @Test
  void withoutActiveChecksAnAddedBackendIsUpAtOnce() {
    HealthStateMachine m = machine(HealthCheckSettings.builder().type(HealthCheckSettings.Type.NONE).build());
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.DOWN);
    m.track("b1", Health.DOWN);
    assertThat(health("b1")).isEqualTo(Health.UP);
  }

  @Test
  void fiveConsecutiveFailedExchangesEjectTheBackend() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    for (int i = 0; i < 4; i++) {
      m.onFailure("b1", FailureKind.STATUS_5XX);
    }
    assertThat(health("b1")).isEqualTo(Health.UP);
    m.onFailure("b1", FailureKind.STATUS_5XX);
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    assertThat(m.isEjected("b1")).isTrue();
    assertThat(transitions).containsExactly(
        "b1 DOWN after 5 consecutive failed exchanges (last: 5xx response): ejected for 30s");
  }

  @Test
  void aSuccessfulExchangeBreaksTheRunOfFailures() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    for (int i = 0; i < 4; i++) {
      m.onFailure("b1", FailureKind.CONNECT);
    }
    m.onSuccess("b1");
    for (int i = 0; i < 4; i++) {
      m.onFailure("b1", FailureKind.CONNECT);
    }
    assertThat(health("b1")).isEqualTo(Health.UP);
    m.onFailure("b1", FailureKind.CONNECT);
    assertThat(health("b1")).isEqualTo(Health.DOWN);
  }

  @Test
  void ejectedBackendReturnsOnlyWhenItsEjectionEndedAndACheckPassed() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    eject(m, "b1");
    ticker.advance(Duration.ofSeconds(29));
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    ticker.advance(Duration.ofSeconds(1));
    m.onCheck("b1", fail("status 500"));
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.UP);
    assertThat(m.isEjected("b1")).isFalse();
    assertThat(transitions).last().isEqualTo("b1 UP after its ejection ended and a check passed: status 200");
  }

  @Test
  void ejectionTimeDoublesOnEachRepeatedEjectionUpToTheCap() {
    HealthStateMachine m = machine(HealthCheckSettings.builder()
        .baseEjectionTime(Duration.ofSeconds(30)).maxEjectionTime(Duration.ofSeconds(100)).build(), "b1", "b2");
    long[] expectedSeconds = {30, 60, 100, 100};
    for (long expected : expectedSeconds) {
      eject(m, "b1");
      ticker.advance(Duration.ofSeconds(expected).minusNanos(1));
      m.onCheck("b1", pass());
      assertThat(health("b1")).as("still ejected just before %ss", expected).isEqualTo(Health.DOWN);
      ticker.advance(Duration.ofNanos(1));
      m.onCheck("b1", pass());
      assertThat(health("b1")).as("back after exactly %ss", expected).isEqualTo(Health.UP);
    }
    assertThat(transitions).filteredOn(t -> t.contains("ejected for"))
        .containsExactly(
            "b1 DOWN after 5 consecutive failed exchanges (last: 5xx response): ejected for 30s",
            "b1 DOWN after 5 consecutive failed exchanges (last: 5xx response): ejected for 60s (ejection 2)",
            "b1 DOWN after 5 consecutive failed exchanges (last: 5xx response): ejected for 100s (ejection 3)",
            "b1 DOWN after 5 consecutive failed exchanges (last: 5xx response): ejected for 100s (ejection 4)");
  }

  @Test
  void ejectionTimeStartsFromTheBaseAgainAfterAWholeMaxEjectionTimeIn() {
    HealthStateMachine m = machine(HealthCheckSettings.builder()
        .baseEjectionTime(Duration.ofSeconds(10)).maxEjectionTime(Duration.ofSeconds(40)).build(), "b1", "b2");
    eject(m, "b1");
    ticker.advance(Duration.ofSeconds(10));
    m.onCheck("b1", pass());
    ticker.advance(Duration.ofSeconds(40));
    eject(m, "b1");
    assertThat(transitions).last().asString().endsWith("ejected for 10s");
  }

  @Test
  void neverMoreThanTheMaxShareOfThePoolIsEjected() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2", "b3", "b4");
    eject(m, "b1");
    eject(m, "b2");
    eject(m, "b3");
    assertThat(pool.snapshot().all()).extracting(s -> s.health())
        .containsExactly(Health.DOWN, Health.DOWN, Health.UP, Health.UP);
    assertThat(m.isEjected("b3")).isFalse();
    // Once one returns, another may be ejected.
    ticker.advance(Duration.ofSeconds(30));
    m.onCheck("b1", pass());
    eject(m, "b3");
    assertThat(m.isEjected("b3")).isTrue();
    assertThat(pool.snapshot().available()).extracting(s -> s.id()).containsExactly("b1", "b4");
  }

  @Test
  void aPoolOfOneIsNeverEjectedAtTheDefaultShare() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1");
    eject(m, "b1");
    assertThat(health("b1")).isEqualTo(Health.UP);
  }

  @Test
  void consecutiveFailuresOfZeroTurnsEjectionOff() {
    HealthStateMachine m = machine(HealthCheckSettings.builder().consecutiveFailures(0).build(), "b1", "b2");
    for (int i = 0; i < 100; i++) {
      m.onFailure("b1", FailureKind.STATUS_5XX);
    }
    assertThat(health("b1")).isEqualTo(Health.UP);
  }

  @Test
  void withoutActiveChecksAnEjectedBackendReturnsWhenItsEjectionEnds() {
    HealthStateMachine m = machine(HealthCheckSettings.builder().type(HealthCheckSettings.Type.NONE).build(), "b1", "b2");
    eject(m, "b1");
    ticker.advance(Duration.ofSeconds(29));
    assertThat(m.onEjectionEnd("b1")).as("an early timer learns how long is left").isEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(m.onEjectionEnd("b1")).isZero();
    assertThat(health("b1")).isEqualTo(Health.UP);
  }

  @Test
  void activeFailureDuringEjectionStillNeedsRisePassesAfterIt() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    eject(m, "b1");
    for (int i = 0; i < 3; i++) {
      m.onCheck("b1", fail("status 503"));
    }
    ticker.advance(Duration.ofSeconds(31));
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.UP);
  }

  @Test
  void anEjectionEndsEarlyWhenTheChecksSawTheBackendGoDownAndComeBack() {
    // A restarted backend: connect failures ejected it (30 s), then the checks marked it DOWN and, after the
    // restart, UP again. It returns with the checks, not 30 s later.
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    eject(m, "b1");
    for (int i = 0; i < 3; i++) {
      m.onCheck("b1", fail("connect refused"));
    }
    ticker.advance(Duration.ofSeconds(2));
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    m.onCheck("b1", pass());
    assertThat(health("b1")).isEqualTo(Health.UP);
    assertThat(m.isEjected("b1")).isFalse();
    assertThat(transitions).last().isEqualTo("b1 UP after 2 passed checks: status 200");
  }

  @Test
  void passingChecksThatNeverFailedDoNotEndAnEjectionEarly() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    eject(m, "b1");
    for (int i = 0; i < 10; i++) {
      ticker.advance(Duration.ofSeconds(2));
      m.onCheck("b1", pass());
    }
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    assertThat(m.isEjected("b1")).isTrue();
  }

  @Test
  void outcomesForUnknownBackendsAreIgnored() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1");
    m.onCheck("nope", fail("x"));
    m.onSuccess("nope");
    for (int i = 0; i < 10; i++) {
      m.onFailure("nope", FailureKind.CONNECT);
    }
    assertThat(transitions).isEmpty();
  }

  @Test
  void jitterStaysWithinItsShareOfTheInterval() {
    java.util.random.RandomGenerator low = () -> 0L; // nextDouble() == 0.0
    java.util.random.RandomGenerator high = () -> -1L; // nextDouble() just below 1.0
    Duration base = Duration.ofSeconds(2);
    assertThat(DefaultHealthChecker.jitteredNanos(base, 0.1, low)).isEqualTo(Duration.ofMillis(1800).toNanos());
    assertThat(DefaultHealthChecker.jitteredNanos(base, 0.1, high)).isBetween(
        Duration.ofMillis(2199).toNanos(), Duration.ofMillis(2200).toNanos());
    assertThat(DefaultHealthChecker.jitteredNanos(base, 0.0, high)).isEqualTo(base.toNanos());
  }

  private void eject(HealthStateMachine m, String id) {
    for (int i = 0; i < 5; i++) {
      m.onFailure(id, FailureKind.STATUS_5XX);
    }
  }
}
