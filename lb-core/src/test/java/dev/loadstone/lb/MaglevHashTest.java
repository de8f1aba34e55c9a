package dev.loadstone.lb;

import static dev.loadstone.lb.TestSupport.backends;
import static dev.loadstone.lb.TestSupport.ones;
import static dev.loadstone.lb.TestSupport.pickId;
import static dev.loadstone.lb.TestSupport.pool;
import static dev.loadstone.lb.TestSupport.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaglevHashTest {
  private static final int KEYS = 100_000;

  private static String[] lookUpAll(BackendPool pool) {
    String[] out = new String[KEYS];
    for (int k = 0; k < KEYS; k++) {
      out[k] = pickId(pool, PickRequest.of("user-" + k, null));
    }
    return out;
  }

  @Test
  void twoIndependentlyBuiltTablesAgreeOnEveryKeyWhateverTheInsertionOrder() {
    List<Backend> list = backends(1, 1, 2, 1, 3, 1, 1);
    List<Backend> reversed = new ArrayList<>(list);
    Collections.reverse(reversed);
    BackendPool first = BackendPool.builder().balancer(Balancers.maglev()).build();
    first.addAll(list, Health.UP);
    BackendPool second = BackendPool.builder().balancer(Balancers.maglev()).build();
    for (Backend b : reversed) {
      second.add(b, Health.UP);
    }
    assertThat(lookUpAll(second)).containsExactly(lookUpAll(first));
  }

  @ParameterizedTest(name = "{0} backends")
  @ValueSource(ints = {3, 5, 10, 50})
  void removingOneOfNBackendsRemapsAtMostOneNthPlusThreePercentOfKeys(int n) {
    BackendPool pool = pool(Balancers.maglev(), ones(n));
    String[] before = lookUpAll(pool);
    String removed = TestSupport.id(n / 2);
    pool.remove(removed);
    String[] after = lookUpAll(pool);
    int moved = 0;
    int onRemoved = 0;
    for (int k = 0; k < KEYS; k++) {
      if (before[k].equals(removed)) {
        onRemoved++;
      }
      if (!before[k].equals(after[k])) {
        moved++;
      }
    }
    assertThat(moved).isGreaterThanOrEqualTo(onRemoved).isLessThanOrEqualTo((int) (KEYS * (1.0 / n + 0.03)));
    assertThat(after).doesNotContain(removed);
  }

  @Test
  void everyBackendHoldsAnEqualShareOfTheTableToWithinOneSlot() {
    String[] ids = {"a", "b", "c", "d", "e", "f", "g"};
    int[] table = MaglevHash.populate(ids, new int[] {1, 1, 1, 1, 1, 1, 1}, 65537);
    int[] count = new int[ids.length];
    for (int i : table) {
      count[i]++;
    }
    for (int c : count) {
      assertThat(c).isBetween(65537 / 7, 65537 / 7 + 1);
    }
  }

  @Test
  void aBackendHoldsSlotsInProportionToItsWeight() {
    int[] table = MaglevHash.populate(new String[] {"a", "b", "c"}, new int[] {1, 2, 3}, 65537);
    int[] count = new int[3];
    for (int i : table) {
      count[i]++;
    }
    assertThat(count[0] / 65537.0).isCloseTo(1 / 6.0, within(0.001));
    assertThat(count[1] / 65537.0).isCloseTo(2 / 6.0, within(0.001));
    assertThat(count[2] / 65537.0).isCloseTo(3 / 6.0, within(0.001));
  }

  @Test
  void theSameKeyAlwaysGoesToTheSameBackend() {
    BackendPool pool = pool(Balancers.maglev(), ones(5));
    String first = pickId(pool, PickRequest.of("session-42", null));
    for (int i = 0; i < 100; i++) {
      assertThat(pickId(pool, PickRequest.of("session-42", null))).isEqualTo(first);
    }
  }

  @Test
  void aRequestWithoutHashKeyIsBalancedByRoundRobin() {
    BackendPool pool = pool(Balancers.maglev(), 1, 5, 1);
    assertThat(sequence(pool, 6)).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void aRetryOfAKeyGoesToAnotherBackendAndAlwaysTheSameOne() {
    BackendPool pool = pool(Balancers.maglev(), ones(5));
    String first = pickId(pool, PickRequest.of("k-7", null));
    String retry = pickId(pool, PickRequest.of("k-7", null).excluding(first));
    assertThat(retry).isNotEqualTo(first).isNotNull();
    assertThat(pickId(pool, PickRequest.of("k-7", null).excluding(first))).isEqualTo(retry);
  }

  @Test
  void aDrainingBackendLosesItsKeysAndGetsThemBackWhenActiveAgain() {
    BackendPool pool = pool(Balancers.maglev(), ones(4));
    String[] before = lookUpAll(pool);
    pool.drain("b", java.time.Duration.ofSeconds(1));
    assertThat(lookUpAll(pool)).doesNotContain("b");
    pool.setAdminState("b", AdminState.ACTIVE);
    assertThat(lookUpAll(pool)).containsExactly(before);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {65536, 65521, 100_000, 0, -65537})
  void aTableSizeThatIsNotAPrimeOfAtLeast65537IsRejected(int size) {
    assertThatThrownBy(() -> Balancers.maglev(size))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maglev table size: " + size + " (expected: a prime >= 65537");
  }

  @Test
  void aLargerPrimeTableIsAccepted() {
    BackendPool pool = pool(Balancers.maglev(131071), ones(3));
    assertThat(pickId(pool, PickRequest.of("x", null))).isIn("a", "b", "c");
  }

  @Test
  void theHashIsStableAcrossRuns() {
    // Pinned values: a change would remap every key of every deployed proxy.
    assertThat(Hashing.hash64("user-1", MaglevHash.KEY_SEED)).isEqualTo(963710318142647562L);
    assertThat(Hashing.hash64("a", 0)).isEqualTo(2104666948775428222L);
    assertThat(Hashing.hash64("backend-17.example:8080", 42)).isEqualTo(5598323552396751437L);
    assertThat(Hashing.hash64(new StringBuilder("user-1"), MaglevHash.KEY_SEED)).isEqualTo(963710318142647562L);
  }
}
