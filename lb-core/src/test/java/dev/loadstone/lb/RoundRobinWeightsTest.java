package dev.loadstone.lb;

import static dev.loadstone.lb.TestSupport.counts;
import static dev.loadstone.lb.TestSupport.pool;
import static dev.loadstone.lb.TestSupport.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Round robin is weighted, as nginx's and HAProxy's are (issue 14, defect 4: it ignored weights). */
class RoundRobinWeightsTest {
  @Test
  void roundRobinHonoursWeightsWhenTheyDiffer() {
    BackendPool pool = pool(Balancers.roundRobin(), 1, 3);
    assertThat(counts(sequence(pool, 12))).containsEntry("a", 3).containsEntry("b", 9);
    BackendPool nginx = pool(Balancers.roundRobin(), 5, 1, 1);
    assertThat(String.join("", sequence(nginx, 7))).as("smooth, as nginx: no bursts").isEqualTo("aabacaa");
  }

  @Test
  void roundRobinFollowsAWeightChangeAtOnce() {
    BackendPool pool = pool(Balancers.roundRobin(), 1, 1);
    assertThat(counts(sequence(pool, 10))).containsEntry("a", 5).containsEntry("b", 5);
    pool.setWeight("b", 4);
    assertThat(counts(sequence(pool, 10))).containsEntry("a", 2).containsEntry("b", 8);
  }

  @Test
  void roundRobinWithEqualWeightsTakesThePlainPath() {
    assertThat(RoundRobin.create(pool(Balancers.roundRobin(), 3, 3, 3).snapshot())).isInstanceOf(RoundRobin.class);
    assertThat(RoundRobin.create(pool(Balancers.roundRobin(), 3, 1).snapshot())).isInstanceOf(SmoothWeightedRoundRobin.class);
  }
}
