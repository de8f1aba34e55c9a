package dev.loadstone.lb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin, with nginx's semantics (no bursts): at every step each backend's current
 * weight grows by its weight, the backend with the largest current weight is picked (the first in pool
 * order on a tie) and its current weight drops by the total. With weights 5, 1, 1 the cycle is
 * {@code a a b a c a a}.
 *
 * <p>Reference: nginx {@code ngx_http_upstream_get_peer} (src/http/ngx_http_upstream_round_robin.c) and
 * its 2012 commit "Upstream: smooth weighted round-robin balancing".
 *
 * <p>nginx scans every backend on every pick (O(n)). Here the whole cycle is precomputed once per snapshot
 * into an index array and a pick is one atomic increment and one array read (O(1)), whatever the number of
 * backends. The cycle is built exactly, in O(cycle length x distinct weights): backends of equal weight
 * always take their turns in pool order, so each group of equal weight needs only its next member and its
 * pick count. The cycle length is the sum of the weights divided by their gcd; if that exceeds
 * {@link #MAX_CYCLE} entries (or the build budget), the weights are scaled down proportionally first
 * (each stays at least 1), so very large and uneven pools keep their ratios to within one scaled unit.
 *
 * <p>Slow start: weights are the backends' effective weights at the snapshot's time; the pool rebuilds the
 * balancer while a ramp lasts, so a warming backend's share rises step by step.
 */
final class SmoothWeightedRoundRobin implements Balancer {
  static final int MAX_CYCLE = 1 << 20;
  private static final long BUILD_BUDGET = 1L << 26; // cycle length x distinct weights
  /** Units per unit of weight while some backend ramps, so that fractional effective weights keep precision. */
  static final int RAMP_UNITS = 20;

  private final BackendState[] states;
  private final Pick[] picks;
  private final int[] schedule;
  private final AtomicLong next = new AtomicLong();

  /** Over the available backends' effective weights at the snapshot's time. */
  SmoothWeightedRoundRobin(PoolSnapshot snapshot) {
    this.states = snapshot.available().toArray(new BackendState[0]);
    this.picks = Balancers.picks(states);
    this.schedule = buildSchedule(units(states, snapshot.takenAtNanos()));
  }

  @Override
  public Pick pick(PickRequest request) {
    int len = schedule.length;
    if (len == 0) {
      return Pick.none();
    }
    int i = schedule[(int) ((next.getAndIncrement() & Long.MAX_VALUE) % len)];
    if (!request.hasExclusions() || !request.isExcluded(states[i].id())) {
      return picks[i];
    }
    return Balancers.firstNotExcluded(states, i, request);
  }

  /** Takes the next step of the cycle (for balancers that break ties with it). */
  long nextStep() {
    return next.getAndIncrement();
  }

  /** Moves the cycle on by {@code steps} more steps (after a caller walked past them). */
  void skip(int steps) {
    if (steps > 0) {
      next.getAndAdd(steps);
    }
  }

  /** Index into the available backends of the pick at step {@code t} of the cycle (for tie-breaking). */
  int indexAt(long t) {
    return schedule[(int) ((t & Long.MAX_VALUE) % schedule.length)];
  }

  int cycleLength() {
    return schedule.length;
  }

  /** Integer weights for the schedule: configured weights, or scaled effective weights during a ramp. */
  static long[] units(BackendState[] states, long now) {
    boolean ramping = false;
    for (BackendState s : states) {
      ramping |= s.isRampingUp(now);
    }
    long[] units = new long[states.length];
    for (int i = 0; i < states.length; i++) {
      BackendState s = states[i];
      if (!ramping) {
        units[i] = s.weight();
      } else {
        units[i] = Math.max(1, Math.round(s.effectiveWeight(now) * RAMP_UNITS));
      }
    }
    return units;
  }

  /** The exact nginx smooth-WRR cycle over these integer weights, as indexes. */
  static int[] buildSchedule(long[] weights) {
    int n = weights.length;
    if (n == 0) {
      return new int[0];
    }
    long[] w = weights.clone();
    reduceByGcd(w);
    long total = sum(w);
    int distinct = (int) Arrays.stream(w).distinct().count();
    long maxCycle = Math.max(n, Math.min(MAX_CYCLE, BUILD_BUDGET / distinct));
    if (total > maxCycle) {
      for (int i = 0; i < n; i++) {
        w[i] = Math.max(1, w[i] * maxCycle / total);
      }
      reduceByGcd(w);
      total = sum(w);
    }
    // Groups of equal weight, in order of first appearance; members in pool order.
    Map<Long, List<Integer>> byWeight = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byWeight.computeIfAbsent(w[i], k -> new ArrayList<>()).add(i);
    }
    int g = byWeight.size();
    long[] gw = new long[g];
    int[][] members = new int[g][];
    int gi = 0;
    for (Map.Entry<Long, List<Integer>> e : byWeight.entrySet()) {
      gw[gi] = e.getKey();
      members[gi] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      gi++;
    }
    int[] cursor = new int[g]; // members before the cursor were picked (base + 1) times, the rest base times
    long[] base = new long[g];
    int[] schedule = new int[(int) total];
    for (int t = 1; t <= total; t++) {
      int best = -1;
      long bestCurrent = 0;
      int bestIndex = 0;
      for (int k = 0; k < g; k++) {
        long current = t * gw[k] - total * base[k];
        int index = members[k][cursor[k]];
        if (best < 0 || current > bestCurrent || current == bestCurrent && index < bestIndex) {
          best = k;
          bestCurrent = current;
          bestIndex = index;
        }
      }
      schedule[t - 1] = bestIndex;
      if (++cursor[best] == members[best].length) {
        cursor[best] = 0;
        base[best]++;
      }
    }
    return schedule;
  }

  private static void reduceByGcd(long[] w) {
    long g = 0;
    for (long x : w) {
      g = gcd(g, x);
    }
    if (g > 1) {
      for (int i = 0; i < w.length; i++) {
        w[i] /= g;
      }
    }
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private static long sum(long[] w) {
    long s = 0;
    for (long x : w) {
      s += x;
    }
    return s;
  }
}
