package dev.loadstone.lb;

/**
 * Exact weighted least connections: the available backend with the lowest {@code inFlight /
 * effectiveWeight}. Ties are broken by smooth weighted round robin: among the lowest, the one that comes
 * first in the snapshot's {@link SmoothWeightedRoundRobin} cycle from the current step on, and the cycle
 * then moves past it. So an idle pool is exactly smooth WRR, and equally loaded backends alternate even
 * while another backend holds exchanges.
 *
 * <p>Reference: nginx's {@code least_conn} (ngx_http_upstream_least_conn_module.c), which also compares
 * {@code conns / weight} and breaks ties with weighted round robin.
 *
 * <p>Cost: O(n) per pick (one pass over the in-flight counters, then a walk of the cycle bounded by
 * {@code 4n + 64} steps). In-flight counts change on every acquire and release, outside the balancer, so
 * an O(log n) heap would have to be updated on that hot path under contention. For large pools prefer
 * {@link Balancers#powerOfTwo()}, O(1).
 */
final class LeastConnections implements Balancer {
  private final BackendState[] states;
  private final java.util.concurrent.atomic.AtomicInteger[] inFlight;
  private final double[] inverseWeight;
  private final SmoothWeightedRoundRobin ties;

  LeastConnections(PoolSnapshot snapshot) {
    this.states = snapshot.available().toArray(new BackendState[0]);
    this.inFlight = new java.util.concurrent.atomic.AtomicInteger[states.length];
    for (int i = 0; i < states.length; i++) {
      inFlight[i] = states[i].inFlight;
    }
    this.inverseWeight = new double[states.length];
    long now = snapshot.takenAtNanos();
    for (int i = 0; i < states.length; i++) {
      inverseWeight[i] = 1.0 / states[i].effectiveWeight(now);
    }
    this.ties = new SmoothWeightedRoundRobin(snapshot);
  }

  @Override
  public Pick pick(PickRequest request) {
    int n = states.length;
    if (n == 0) {
      return Pick.none();
    }
    boolean exclusions = request.hasExclusions();
    int first = -1;
    int tied = 0;
    double lowest = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if (exclusions && request.isExcluded(states[i].id())) {
        continue;
      }
      double load = load(i);
      if (load < lowest) {
        first = i;
        lowest = load;
        tied = 1;
      } else if (load == lowest) {
        tied++;
      }
    }
    if (tied <= 1) {
      return first < 0 ? Balancers.noneLeft() : states[first].asPick();
    }
    long t = ties.nextStep();
    int steps = (int) Math.min(ties.cycleLength(), 4L * n + 64);
    for (int k = 0; k < steps; k++) {
      int i = ties.indexAt(t + k);
      if (load(i) <= lowest && !(exclusions && request.isExcluded(states[i].id()))) {
        ties.skip(k);
        return states[i].asPick();
      }
    }
    return states[first].asPick(); // loads moved under us: any of the lowest will do
  }

  private double load(int i) {
    return inFlight[i].get() * inverseWeight[i];
  }
}
