package dev.loadstone.lb;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Weighted random: each pick draws a backend with probability proportional to its effective weight (slow
 * start applies), in O(1) through an {@link AliasTable}. Stateless between picks, so it needs no shared
 * counter and scales across threads. Reference: Walker/Vose alias method; Envoy's "RANDOM" policy.
 *
 * <p>A retry redraws (up to 8 times) while the draw is excluded, then scans on in pool order.
 */
final class WeightedRandom implements Balancer {
  private static final int REDRAWS = 8;

  private final BackendState[] states;
  private final Pick[] picks;
  private final AliasTable table;
  private final Supplier<? extends RandomGenerator> random;

  WeightedRandom(PoolSnapshot snapshot, Supplier<? extends RandomGenerator> random) {
    this.states = snapshot.available().toArray(new BackendState[0]);
    this.picks = Balancers.picks(states);
    this.table = AliasTable.of(states, snapshot.takenAtNanos());
    this.random = random;
  }

  @Override
  public Pick pick(PickRequest request) {
    if (states.length == 0) {
      return Pick.none();
    }
    RandomGenerator rng = random.get();
    int i = table.sample(rng);
    if (!request.hasExclusions()) {
      return picks[i];
    }
    for (int attempt = 0; attempt < REDRAWS && request.isExcluded(states[i].id()); attempt++) {
      i = table.sample(rng);
    }
    return Balancers.firstNotExcluded(states, i, request);
  }
}
