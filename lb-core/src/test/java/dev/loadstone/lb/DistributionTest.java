package dev.loadstone.lb;

import static dev.loadstone.lb.TestSupport.counts;
import static dev.loadstone.lb.TestSupport.id;
import static dev.loadstone.lb.TestSupport.ones;
import static dev.loadstone.lb.TestSupport.pool;
import static dev.loadstone.lb.TestSupport.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistributionTest {

  @Test
  void roundRobinGivesEveryBackendOfEqualWeightTheSameCountToWithinOne() {
    BackendPool pool = pool(Balancers.roundRobin(), 2, 2, 2);
    assertThat(sequence(pool, 9)).containsExactly("a", "b", "c", "a", "b", "c", "a", "b", "c");
    BackendPool ten = pool(Balancers.roundRobin(), ones(10));
    Map<String, Integer> c = counts(sequence(ten, 1003));
    assertThat(c).hasSize(10);
    assertThat(c.values()).allSatisfy(n -> assertThat(n).isBetween(100, 101));
    assertThat(c.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1003);
  }

  @Test
  void weightedRoundRobinFollowsNginxSmoothSequenceForFiveOneOne() {
    BackendPool pool = pool(Balancers.weightedRoundRobin(), 5, 1, 1);
    assertThat(String.join("", sequence(pool, 14))).isEqualTo("aabacaa" + "aabacaa");
  }

  @Test
  void weightedRoundRobinScheduleEqualsNginxScanForManyWeightSets() {
    Random r = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(12);
      long[] w = new long[n];
      for (int i = 0; i < n; i++) {
        w[i] = 1 + r.nextInt(r.nextBoolean() ? 5 : 40);
      }
      assertThat(SmoothWeightedRoundRobin.buildSchedule(w)).as("weights %s", java.util.Arrays.toString(w))
          .containsExactly(nginxScan(w));
    }
  }

  /** nginx's O(n) smooth weighted round robin, written out plainly as the reference. */
  private static int[] nginxScan(long[] weights) {
    long g = 0;
    for (long x : weights) {
      g = java.math.BigInteger.valueOf(g).gcd(java.math.BigInteger.valueOf(x)).longValue();
    }
    long total = 0;
    for (long x : weights) {
      total += x / g;
    }
    long[] current = new long[weights.length];
    int[] out = new int[(int) total];
    for (int t = 0; t < total; t++) {
      int best = -1;
      for (int i = 0; i < weights.length; i++) {
        current[i] += weights[i] / g;
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      out[t] = best;
    }
    return out;
  }

  @Test
  void weightedRoundRobinCountsAreProportionalInEveryFullCycleWithoutBursts() {
    int[][] sets = {{3, 2, 1, 4}, {1, 1, 1}, {10, 10, 1}, {7, 3, 3, 1, 9, 2}, {100, 1}, {2, 4, 6}};
    Random r = new Random(11);
    List<int[]> all = new ArrayList<>(List.of(sets));
    for (int i = 0; i < 30; i++) {
      int[] w = new int[2 + r.nextInt(15)];
      for (int j = 0; j < w.length; j++) {
        w[j] = 1 + r.nextInt(10);
      }
      all.add(w);
    }
    for (int[] w : all) {
      BackendPool pool = pool(Balancers.weightedRoundRobin(), w);
      int g = 0;
      int total = 0;
      for (int x : w) {
        g = java.math.BigInteger.valueOf(g).gcd(java.math.BigInteger.valueOf(x)).intValue();
      }
      for (int x : w) {
        total += x / g;
      }
      List<String> seq = sequence(pool, total * 3);
      for (int cycle = 0; cycle < 3; cycle++) {
        Map<String, Integer> c = counts(seq.subList(cycle * total, (cycle + 1) * total));
        for (int i = 0; i < w.length; i++) {
          assertThat(c.get(id(i))).as("cycle %d of %s", cycle, java.util.Arrays.toString(w)).isEqualTo(w[i] / g);
        }
      }
      for (int k = 1; k < seq.size(); k++) {
        String x = seq.get(k);
        if (x.equals(seq.get(k - 1))) {
          int wx = w[x.charAt(0) - 'a'];
          for (int i = 0; i < w.length; i++) {
            if (!id(i).equals(x)) {
              assertThat(w[i]).as("%s picked twice in a row at %d with weights %s", x, k, java.util.Arrays.toString(w))
                  .isLessThan(wx);
            }
          }
        }
      }
    }
  }

  @Test
  void weightedRoundRobinKeepsItsRatiosAtTenThousandBackends() {
    int[] w = new int[10_000];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 + i % 10;
    }
    BackendPool pool = pool(Balancers.weightedRoundRobin(), w);
    Map<String, Integer> c = counts(sequence(pool, 55_000)); // one full cycle
    for (int i = 0; i < w.length; i += 997) {
      assertThat(c.get(id(i))).isEqualTo(w[i]);
    }
  }

  @Test
  void weightedRoundRobinScalesAHugeCycleDownButKeepsEveryBackendAndItsRatios() {
    long[] w = new long[3000];
    for (int i = 0; i < w.length; i++) {
      w[i] = 997 + i % 3; // sum 2,994,000, gcd 1: scaled to at most 2^20 entries
    }
    long sum = java.util.Arrays.stream(w).sum();
    int[] schedule = SmoothWeightedRoundRobin.buildSchedule(w);
    assertThat(schedule.length).isLessThanOrEqualTo(SmoothWeightedRoundRobin.MAX_CYCLE + w.length);
    int[] c = new int[w.length];
    for (int i : schedule) {
      c[i]++;
    }
    for (int i = 0; i < w.length; i++) {
      assertThat((double) c[i] / schedule.length).isCloseTo((double) w[i] / sum, within(0.01 / w.length));
    }
  }

  @Test
  void leastConnectionsSteersAwayFromABackendHoldingExchangesAndAlternatesTheRest() {
    BackendPool pool = pool(Balancers.leastConnections(), 1, 1, 1);
    Lease held = pool.acquire(PickRequest.EMPTY);
    assertThat(held.backend().id()).isEqualTo("a");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (Lease l = pool.acquire(PickRequest.EMPTY)) {
        ids.add(l.backend().id());
      }
    }
    assertThat(ids).containsExactly("b", "c", "b", "c", "b", "c", "b", "c", "b", "c");
    held.release();
    assertThat(pool.snapshot().get("a").inFlight()).isZero();
  }

  @Test
  void leastConnectionsFillsTheLeastLoadedRelativeToWeight() {
    BackendPool pool = pool(Balancers.leastConnections(), 1, 3);
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      leases.add(pool.acquire(PickRequest.EMPTY));
    }
    assertThat(pool.snapshot().get("a").inFlight()).isEqualTo(2);
    assertThat(pool.snapshot().get("b").inFlight()).isEqualTo(6);
    leases.forEach(Lease::release);
  }

  @Test
  void leastConnectionsOnAnIdlePoolIsSmoothWeightedRoundRobin() {
    BackendPool pool = pool(Balancers.leastConnections(), 5, 1, 1);
    assertThat(String.join("", sequence(pool, 7))).isEqualTo("aabacaa");
  }

  @Test
  void powerOfTwoNeverPicksTheMostLoadedOfItsChoices() {
    TestSupport.ScriptedRandom random = new TestSupport.ScriptedRandom(4).pairs();
    BackendPool pool = pool(Balancers.powerOfTwo(2, random), 1, 1, 1, 1);
    int[] load = {3, 2, 1, 0};
    for (int i = 0; i < 4; i++) {
      pool.snapshot().get(id(i)).inFlight.set(load[i]);
    }
    for (int x = 0; x < 4; x++) {
      for (int y = 0; y < 4; y++) {
        if (x != y) {
          random.then(x, y);
          String picked = pool.pick(PickRequest.EMPTY).state().id();
          assertThat(picked).as("choices %s and %s", id(x), id(y)).isEqualTo(id(Math.max(x, y)));
        }
      }
    }
    assertThat(random.draws).as("one nextLong per pick").isEqualTo(12);
    // A draw that repeats the first choice is drawn again, so two distinct backends are compared.
    random.then(1, 1, 1, 0);
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).isEqualTo("b");
    assertThat(random.remaining()).isZero();
    random.then(3, 3, 3, 3, 3, 2);
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).as("d (0 in flight) against c (1)").isEqualTo("d");
    assertThat(random.remaining()).isZero();
    // Equally loaded choices: the first drawn wins.
    pool.snapshot().get("a").inFlight.set(2);
    random.then(1, 0);
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).isEqualTo("b");
    random.then(0, 1);
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).isEqualTo("a");
    for (int i = 0; i < 4; i++) {
      pool.snapshot().get(id(i)).inFlight.set(0);
    }
  }

  @Test
  void powerOfTwoTakesTheNextBackendWhenEveryRedrawRepeatsTheFirstChoice() {
    TestSupport.ScriptedRandom random = new TestSupport.ScriptedRandom(4).pairs();
    BackendPool pool = pool(Balancers.powerOfTwo(2, random), 1, 1, 1, 1);
    pool.snapshot().get("c").inFlight.set(1);
    random.then(2, 2); // both halves draw c
    for (int redraw = 0; redraw < 8; redraw++) {
      random.then(2, 2);
    }
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).as("d, next after c, is less loaded").isEqualTo("d");
    assertThat(random.remaining()).isZero();
    assertThat(random.draws).isEqualTo(9);
    pool.snapshot().get("c").inFlight.set(0);
  }

  @Test
  void powerOfThreeTakesTheLeastLoadedOfThreeDistinctChoices() {
    TestSupport.ScriptedRandom random = new TestSupport.ScriptedRandom(5);
    BackendPool pool = pool(Balancers.powerOfTwo(3, random), 1, 1, 1, 1, 1);
    int[] load = {4, 3, 2, 1, 0};
    for (int i = 0; i < 5; i++) {
      pool.snapshot().get(id(i)).inFlight.set(load[i]);
    }
    random.then(0, 2, 1);
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).isEqualTo("c");
    random.then(4, 3, 0);
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).isEqualTo("e");
    random.then(1, 1, 0, 0, 1, 3); // repeats are drawn again: b, a, d
    assertThat(pool.pick(PickRequest.EMPTY).state().id()).isEqualTo("d");
    assertThat(random.remaining()).isZero();
    for (int i = 0; i < 5; i++) {
      pool.snapshot().get(id(i)).inFlight.set(0);
    }
  }

  @Test
  void powerOfTwoComparesLoadRelativeToWeight() {
    TestSupport.ScriptedRandom random = new TestSupport.ScriptedRandom(3).pairs();
    BackendPool pool = pool(Balancers.powerOfTwo(2, random), 3, 1, 1);
    // a: 2 in flight at weight 3 (0.67) is less loaded than b or c: 1 in flight at weight 1 (1.0).
    pool.snapshot().get("a").inFlight.set(2);
    pool.snapshot().get("b").inFlight.set(1);
    pool.snapshot().get("c").inFlight.set(1);
    random.then(1, 0, 0, 2, 2, 1, 1, 2);
    assertThat(sequence(pool, 4)).containsExactly("a", "a", "c", "b");
    for (String id : List.of("a", "b", "c")) {
      pool.snapshot().get(id).inFlight.set(0);
    }
  }

  @Test
  void choicesBelowTwoAreRejected() {
    assertThatThrownBy(() -> Balancers.powerOfTwo(1, new SplittableRandom()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("choices: 1 (expected: 2..64)");
  }

  @Test
  void randomPicksInProportionToWeight() {
    BackendPool pool = pool(Balancers.random(new SplittableRandom(42)), 1, 2, 7);
    Map<String, Integer> c = counts(sequence(pool, 100_000));
    assertThat(c.get("a") / 100_000.0).isCloseTo(0.1, within(0.01));
    assertThat(c.get("b") / 100_000.0).isCloseTo(0.2, within(0.01));
    assertThat(c.get("c") / 100_000.0).isCloseTo(0.7, within(0.01));
  }

  @Test
  void powerOfTwoWithAnIdlePoolSpreadsInProportionToWeight() {
    BackendPool pool = pool(Balancers.powerOfTwo(2, new SplittableRandom(9)), 1, 1, 2);
    Map<String, Integer> c = counts(sequence(pool, 40_000));
    assertThat(c.get("a") / 40_000.0).isCloseTo(0.25, within(0.015));
    assertThat(c.get("c") / 40_000.0).isCloseTo(0.5, within(0.015));
  }
}
