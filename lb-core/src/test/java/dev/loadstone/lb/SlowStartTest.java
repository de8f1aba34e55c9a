package dev.loadstone.lb;

import static dev.loadstone.lb.TestSupport.counts;
import static dev.loadstone.lb.TestSupport.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A backend that joins or recovers ramps from 10% to its full weight over 10 s (20 units per weight). */
class SlowStartTest {
  private final TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();

  private BackendPool warmPoolOf(Balancer.Factory factory) {
    BackendPool pool = BackendPool.builder().balancer(factory).ticker(ticker).slowStart(Duration.ofSeconds(10), 0.1).build();
    pool.add(Backend.of("a", "10.0.0.1:80", 1), Health.UP);
    ticker.advance(Duration.ofSeconds(10)); // a is warm
    pool.add(Backend.of("b", "10.0.0.2:80", 1), Health.UP);
    return pool;
  }

  @Test
  void effectiveWeightRampsLinearlyFromTheFloorToTheWeight() {
    BackendState s = new BackendState(
        Backend.of("x", "10.0.0.9:80", 10), Health.UP, AdminState.ACTIVE, 0, 1_000, 10_000, 0.1, new java.util.concurrent.atomic.AtomicInteger());
    assertThat(s.effectiveWeight(1_000)).isCloseTo(1.0, within(1e-9));
    assertThat(s.effectiveWeight(6_000)).isCloseTo(5.5, within(1e-9));
    assertThat(s.effectiveWeight(11_000)).isEqualTo(10.0);
    assertThat(s.isRampingUp(10_999)).isTrue();
    assertThat(s.isRampingUp(11_000)).isFalse();
  }

  @Test
  void aNewBackendsShareOfWeightedRoundRobinRisesOverTheWindow() {
    BackendPool pool = warmPoolOf(Balancers.weightedRoundRobin());
    // t = 0: b weighs 0.1 -> units a 20, b 2 -> one cycle of 11 holds b once.
    assertThat(counts(sequence(pool, 110)).get("b")).isEqualTo(10);
    ticker.advance(Duration.ofSeconds(5)); // b weighs 0.55 -> units 20 : 11
    assertThat(counts(sequence(pool, 310)).get("b")).isEqualTo(110);
    ticker.advance(Duration.ofSeconds(5)); // ramp over: 1 : 1
    assertThat(sequence(pool, 6)).containsExactly("a", "b", "a", "b", "a", "b");
  }

  @Test
  void roundRobinFollowsTheRampAndBecomesPlainRoundRobinAfterIt() {
    BackendPool pool = warmPoolOf(Balancers.roundRobin());
    assertThat(counts(sequence(pool, 110)).get("b")).isEqualTo(10);
    ticker.advance(Duration.ofSeconds(5));
    assertThat(counts(sequence(pool, 310)).get("b")).isEqualTo(110);
    ticker.advance(Duration.ofSeconds(5));
    assertThat(sequence(pool, 4)).containsExactly("a", "b", "a", "b");
  }

  @Test
  void randomAndPowerOfTwoFollowTheRamp() {
    for (Balancer.Factory f : new Balancer.Factory[] {
        Balancers.random(new java.util.SplittableRandom(1)), Balancers.powerOfTwo(2, new java.util.SplittableRandom(2))}) {
      BackendPool pool = warmPoolOf(f);
      double early = counts(sequence(pool, 20_000)).get("b") / 20_000.0;
      ticker.advance(Duration.ofSeconds(5));
      double mid = counts(sequence(pool, 20_000)).get("b") / 20_000.0;
      ticker.advance(Duration.ofSeconds(5));
      double done = counts(sequence(pool, 20_000)).get("b") / 20_000.0;
      // Weighted random draws b with 0.1/1.1, 0.55/1.55, then 1/2; with two backends power of two
      // compares both (idle: ties go to a weighted draw), so it follows the same shares.
      assertThat(early).isCloseTo(0.1 / 1.1, within(0.01));
      assertThat(mid).isCloseTo(0.55 / 1.55, within(0.015));
      assertThat(done).isCloseTo(0.5, within(0.015));
    }
  }

  @Test
  void aRecoveredBackendRampsAgain() {
    BackendPool pool = warmPoolOf(Balancers.weightedRoundRobin());
    ticker.advance(Duration.ofSeconds(20));
    assertThat(counts(sequence(pool, 100)).get("b")).isEqualTo(50);
    pool.setHealth("b", Health.DOWN);
    assertThat(counts(sequence(pool, 10))).containsOnlyKeys("a");
    ticker.advance(Duration.ofSeconds(30));
    pool.setHealth("b", Health.UP);
    assertThat(counts(sequence(pool, 110)).get("b")).isEqualTo(10);
    assertThat(pool.snapshot().get("b").upSinceNanos()).isEqualTo(ticker.read());
  }

  @Test
  void theBalancerIsRebuiltDuringTheRampWithoutANewVersion() {
    BackendPool pool = warmPoolOf(Balancers.weightedRoundRobin());
    long version = pool.snapshot().version();
    long taken = pool.snapshot().takenAtNanos();
    ticker.advance(Duration.ofSeconds(1));
    pool.pick(PickRequest.EMPTY);
    assertThat(pool.snapshot().version()).isEqualTo(version);
    assertThat(pool.snapshot().takenAtNanos()).isEqualTo(taken + Duration.ofSeconds(1).toNanos());
  }
}
