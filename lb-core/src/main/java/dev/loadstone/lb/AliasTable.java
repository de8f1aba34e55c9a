package dev.loadstone.lb;

import java.util.random.RandomGenerator;

/**
 * Weighted sampling in O(1) by Walker's alias method, built in O(n) with Vose's stable variant: one
 * uniform index and one uniform double per sample. Equal weights skip the table (one index only).
 *
 * <p>Reference: M. D. Vose, "A linear algorithm for generating random numbers with a given distribution",
 * IEEE Trans. Software Eng. 17(9), 1991.
 */
final class AliasTable {
  private final int n;
  private final double[] probability; // null when all weights are equal
  private final int[] alias;

  AliasTable(double[] weights) {
    n = weights.length;
    boolean equal = true;
    double total = 0;
    for (double w : weights) {
      total += w;
      equal &= w == weights[0];
    }
    if (equal || n < 2) {
      probability = null;
      alias = null;
      return;
    }
    probability = new double[n];
    alias = new int[n];
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] * n / total;
      if (scaled[i] < 1.0) {
        small[ns++] = i;
      } else {
        large[nl++] = i;
      }
    }
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[--nl];
      probability[s] = scaled[s];
      alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1.0;
      if (scaled[l] < 1.0) {
        small[ns++] = l;
      } else {
        large[nl++] = l;
      }
    }
    while (nl > 0) {
      probability[large[--nl]] = 1.0;
    }
    while (ns > 0) {
      probability[small[--ns]] = 1.0; // only rounding leaves these
    }
  }

  static AliasTable of(BackendState[] states, long now) {
    double[] w = new double[states.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = states[i].effectiveWeight(now);
    }
    return new AliasTable(w);
  }

  int sample(RandomGenerator random) {
    int i = random.nextInt(n);
    if (probability == null || random.nextDouble() < probability[i]) {
      return i;
    }
    return alias[i];
  }
}
