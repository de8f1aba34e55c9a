package dev.loadstone.lb;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Least connections by the power of d choices: draw {@code d} distinct backends at random, weighted by
 * effective weight, and take the one with the lowest {@code inFlight / effectiveWeight} (the first drawn
 * on a tie). It never picks the most loaded of its choices, needs no shared state and is O(d) per pick
 * whatever the pool size, while keeping the maximum load exponentially closer to the mean than one random
 * choice.
 *
 * <p>Reference: M. Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", IEEE TPDS
 * 12(10), 2001; Finagle's {@code Balancers.p2c()}.
 *
 * <p>With no more available backends than choices it compares all of them (exact least connections,
 * ties going to the first from a weighted draw). A
 * draw that repeats an earlier choice or is excluded is redrawn a few times, then the next backend in pool
 * order is taken instead.
 *
 * <p>Hot path (two choices, no exclusions): one {@code nextLong()} yields both weighted draws (one per
 * 32-bit half, see {@link AliasTable#sampleHalf}), each a multiply-shift and one load with a branch-free
 * alias coin; loads compare as {@code inFlight * (1 / weight)}, the reciprocals precomputed per snapshot.
 * In-flight counters stay {@code AtomicInteger}s owned by the pool (shared by every snapshot of a backend,
 * so a lease taken on an old snapshot releases the same counter); the balancer keeps a flat array of them.
 */
final class PowerOfTwoChoicesLeastConnections implements Balancer {
  private static final int REDRAWS = 8;

  private final BackendState[] states;
  private final Pick[] picks;
  private final java.util.concurrent.atomic.AtomicInteger[] inFlight;
  private final double[] inverseWeight;
  private final AliasTable table;
  private final boolean equalWeights; // then loads compare as plain in-flight counts
  private final int choices;
  private final Supplier<? extends RandomGenerator> random;

  PowerOfTwoChoicesLeastConnections(PoolSnapshot snapshot, int choices, Supplier<? extends RandomGenerator> random) {
    this.states = snapshot.available().toArray(new BackendState[0]);
    this.picks = Balancers.picks(states);
    this.inFlight = new java.util.concurrent.atomic.AtomicInteger[states.length];
    for (int i = 0; i < states.length; i++) {
      inFlight[i] = states[i].inFlight;
    }
    long now = snapshot.takenAtNanos();
    this.inverseWeight = new double[states.length];
    for (int i = 0; i < states.length; i++) {
      inverseWeight[i] = 1.0 / states[i].effectiveWeight(now);
    }
    this.table = AliasTable.of(states, now);
    this.equalWeights = table.isUniform();
    this.choices = choices;
    this.random = random;
  }

  @Override
  public Pick pick(PickRequest request) {
    int n = states.length;
    if (n == 0) {
      return Pick.none();
    }
    RandomGenerator rng = random.get();
    if (n <= choices) {
      return lowestOfAll(request, table.sample(rng));
    }
    boolean exclusions = request.hasExclusions();
    if (choices == 2 && !exclusions) { // the hot path: one nextLong for both choices, no division
      long r = rng.nextLong();
      int a = table.sampleHalf(r >>> 32);
      int b = table.sampleHalf(r & 0xffffffffL);
      if (b == a) {
        b = redrawOther(rng, a);
      }
      if (equalWeights) {
        return picks[inFlight[b].get() < inFlight[a].get() ? b : a];
      }
      return picks[inFlight[b].get() * inverseWeight[b] < inFlight[a].get() * inverseWeight[a] ? b : a];
    }
    if (choices == 2) {
      int a = draw(rng, request, exclusions, -1, -1);
      if (a < 0) {
        return Balancers.noneLeft();
      }
      int b = draw(rng, request, exclusions, a, -1);
      if (b < 0) {
        return states[a].asPick();
      }
      return picks[load(b) < load(a) ? b : a];
    }
    int[] drawn = new int[choices];
    int count = 0;
    int best = -1;
    double bestLoad = Double.MAX_VALUE;
    for (int c = 0; c < choices; c++) {
      int i = drawDistinct(rng, request, exclusions, drawn, count);
      if (i < 0) {
        break;
      }
      drawn[count++] = i;
      double load = load(i);
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best < 0 ? Balancers.noneLeft() : states[best].asPick();
  }

  /**
   * A second choice other than {@code a}: up to {@link #REDRAWS} more nextLongs, two candidates each (high
   * word first), then the next backend in pool order. Rejection keeps it a weighted draw among the others.
   */
  private int redrawOther(RandomGenerator rng, int a) {
    for (int attempt = 0; attempt < REDRAWS; attempt++) {
      long r = rng.nextLong();
      int b = table.sampleHalf(r >>> 32);
      if (b != a) {
        return b;
      }
      b = table.sampleHalf(r & 0xffffffffL);
      if (b != a) {
        return b;
      }
    }
    return a + 1 == states.length ? 0 : a + 1;
  }

  private double load(int i) {
    return inFlight[i].get() * inverseWeight[i];
  }

  /** A drawn index that is neither {@code not1}, {@code not2} nor excluded; -1 when none could be found. */
  private int draw(RandomGenerator rng, PickRequest request, boolean exclusions, int not1, int not2) {
    int i = table.sample(rng);
    for (int attempt = 0; attempt < REDRAWS && !usable(i, request, exclusions, not1, not2); attempt++) {
      i = table.sample(rng);
    }
    int n = states.length;
    for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      if (usable(i, request, exclusions, not1, not2)) {
        return i;
      }
    }
    return -1;
  }

  private boolean usable(int i, PickRequest request, boolean exclusions, int not1, int not2) {
    return i != not1 && i != not2 && !(exclusions && request.isExcluded(states[i].id()));
  }

  private int drawDistinct(RandomGenerator rng, PickRequest request, boolean exclusions, int[] drawn, int count) {
    int i = table.sample(rng);
    for (int attempt = 0; attempt < REDRAWS && !fresh(i, request, exclusions, drawn, count); attempt++) {
      i = table.sample(rng);
    }
    int n = states.length;
    for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      if (fresh(i, request, exclusions, drawn, count)) {
        return i;
      }
    }
    return -1;
  }

  private boolean fresh(int i, PickRequest request, boolean exclusions, int[] drawn, int count) {
    for (int c = 0; c < count; c++) {
      if (drawn[c] == i) {
        return false;
      }
    }
    return !(exclusions && request.isExcluded(states[i].id()));
  }

  /** Exact least connections over all, scanning from {@code start} (a weighted draw) so ties spread. */
  private Pick lowestOfAll(PickRequest request, int start) {
    boolean exclusions = request.hasExclusions();
    int n = states.length;
    int best = -1;
    double bestLoad = Double.MAX_VALUE;
    for (int k = 0, i = start; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      if (exclusions && request.isExcluded(states[i].id())) {
        continue;
      }
      double load = load(i);
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best < 0 ? Balancers.noneLeft() : states[best].asPick();
  }
}
