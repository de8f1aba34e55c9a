package dev.loadstone.lb;

import static dev.loadstone.lb.TestSupport.backends;
import static dev.loadstone.lb.TestSupport.pickId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every balancer promises: only available backends, exclusions honoured, an explicit none. */
class BalancerContractTest {

  static Stream<Arguments> balancers() {
    StickyCookies cookies = StickyCookies.builder().addKey("k1", new byte[32]).build();
    return Stream.of(
        Arguments.of("roundRobin", Balancers.roundRobin()),
        Arguments.of("weightedRoundRobin", Balancers.weightedRoundRobin()),
        Arguments.of("leastConnections", Balancers.leastConnections()),
        Arguments.of("powerOfTwo", Balancers.powerOfTwo(2, new SplittableRandom(1))),
        Arguments.of("powerOfThree", Balancers.powerOfTwo(3, new SplittableRandom(2))),
        Arguments.of("random", Balancers.random(new SplittableRandom(3))),
        Arguments.of("maglev", Balancers.maglev()),
        Arguments.of("sticky(roundRobin)", Balancers.sticky(Balancers.roundRobin(), cookies)),
        Arguments.of("sticky(maglev)", Balancers.sticky(Balancers.maglev(), cookies)));
  }

  /** a and e are available; b is DOWN, c in MAINTENANCE, d DRAINING. */
  private static BackendPool mixedPool(Balancer.Factory factory) {
    BackendPool pool = BackendPool.builder().balancer(factory).build();
    pool.addAll(backends(1, 1, 1, 1, 2), Health.UP);
    pool.setHealth("b", Health.DOWN);
    pool.setAdminState("c", AdminState.MAINTENANCE);
    pool.drain("d", Duration.ofMinutes(5));
    return pool;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void newWorkGoesOnlyToBackendsThatAreUpAndActive(String name, Balancer.Factory factory) {
    BackendPool pool = mixedPool(factory);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      picked.add(pickId(pool, PickRequest.of("key-" + i, null)));
      picked.add(pickId(pool, PickRequest.EMPTY));
    }
    assertThat(picked).containsExactlyInAnyOrder("a", "e");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void aRetryNeverGoesBackToAnExcludedBackend(String name, Balancer.Factory factory) {
    BackendPool pool = mixedPool(factory);
    for (int i = 0; i < 500; i++) {
      assertThat(pickId(pool, PickRequest.of("key-" + i, null).excluding("a"))).isEqualTo("e");
      assertThat(pickId(pool, PickRequest.EMPTY.excluding("e"))).isEqualTo("a");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void whenEveryAvailableBackendIsExcludedTheResultSaysSo(String name, Balancer.Factory factory) {
    BackendPool pool = mixedPool(factory);
    Pick p = pool.pick(PickRequest.of("k", null).excluding("a").excluding("e"));
    assertThat(p.isEmpty()).isTrue();
    assertThat(p.reason()).isEqualTo("no backend is available that was not already tried");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void anEmptyOrUnavailablePoolAnswersNoneWithAReason(String name, Balancer.Factory factory) {
    BackendPool pool = BackendPool.builder().balancer(factory).build();
    assertThat(pool.pick(PickRequest.EMPTY)).isSameAs(Pick.none());
    pool.addAll(backends(1, 1), Health.DOWN);
    Lease lease = pool.acquire(PickRequest.of("k", null));
    assertThat(lease.isEmpty()).isTrue();
    assertThat(lease.reason()).isEqualTo("no backend is available (none is UP and ACTIVE)");
    lease.release(); // harmless
    assertThat(pool.snapshot().all()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void aBackendThatRecoversIsPickedAgain(String name, Balancer.Factory factory) {
    BackendPool pool = mixedPool(factory);
    pool.setHealth("b", Health.UP);
    pool.setAdminState("c", AdminState.ACTIVE);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      picked.add(pickId(pool, PickRequest.of("key-" + i, null)));
    }
    assertThat(picked).containsExactlyInAnyOrder("a", "b", "c", "e");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void oneBackendTakesEverything(String name, Balancer.Factory factory) {
    BackendPool pool = BackendPool.builder().balancer(factory).build();
    pool.add(Backend.of("solo", "127.0.0.1:9000", 7), Health.UP);
    for (String key : List.of("x", "y", "z")) {
      assertThat(pickId(pool, PickRequest.of(key, null))).isEqualTo("solo");
    }
    assertThat(pickId(pool, PickRequest.EMPTY)).isEqualTo("solo");
  }
}
