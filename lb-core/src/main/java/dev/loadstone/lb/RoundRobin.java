package dev.loadstone.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin: each available backend in turn, weights ignored. One atomic counter per snapshot; a
 * retry's exclusions are honoured by stepping on to the next backend. Reference: Armeria's
 * {@code RoundRobinLoadBalancer} follows the same shape.
 *
 * <p>Slow start: while some backend ramps up, {@link Balancers#roundRobin()} builds a
 * {@link SmoothWeightedRoundRobin} in which every backend weighs 1 times its slow-start share instead, so a
 * warming backend gets a rising share of the turns; once no backend ramps it is plain round robin again.
 */
final class RoundRobin implements Balancer {
  private final List<BackendState> available;
  private final Pick[] picks;
  private final AtomicLong next = new AtomicLong();

  RoundRobin(PoolSnapshot snapshot) {
    this.available = snapshot.available();
    this.picks = Balancers.picks(available.toArray(new BackendState[0]));
  }

  static Balancer create(PoolSnapshot snapshot) {
    return snapshot.isRampingUp(snapshot.takenAtNanos())
        ? new SmoothWeightedRoundRobin(snapshot, true)
        : new RoundRobin(snapshot);
  }

  @Override
  public Pick pick(PickRequest request) {
    int n = available.size();
    if (n == 0) {
      return Pick.none();
    }
    int start = (int) ((next.getAndIncrement() & Long.MAX_VALUE) % n);
    if (!request.hasExclusions()) {
      return picks[start];
    }
    for (int i = 0; i < n; i++) {
      BackendState s = available.get((start + i) % n);
      if (!request.isExcluded(s.id())) {
        return s.asPick();
      }
    }
    return Balancers.noneLeft();
  }
}
