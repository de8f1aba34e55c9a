package dev.loadstone.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin as nginx and HAProxy run it: weighted. When every available backend has the same weight and
 * none ramps up, each takes its turn in pool order from one atomic counter per snapshot (the plain fast
 * path; a retry's exclusions are honoured by stepping on to the next backend; Armeria's
 * {@code RoundRobinLoadBalancer} has the same shape). When weights differ, or while some backend ramps up
 * (slow start), {@link #create} builds a {@link SmoothWeightedRoundRobin} over the effective weights instead,
 * so a backend of weight 3 gets three turns for every one of a backend of weight 1, evenly spread
 * (nginx's {@code ngx_http_upstream_round_robin.c}; HAProxy's {@code balance roundrobin} is weighted too).
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
    return snapshot.isRampingUp(snapshot.takenAtNanos()) || !equalWeights(snapshot.available())
        ? new SmoothWeightedRoundRobin(snapshot)
        : new RoundRobin(snapshot);
  }

  private static boolean equalWeights(List<BackendState> states) {
    for (int i = 1; i < states.size(); i++) {
      if (states.get(i).weight() != states.get(0).weight()) {
        return false;
      }
    }
    return true;
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
