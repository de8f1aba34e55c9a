package dev.loadstone.lb;

import java.util.random.RandomGenerator;

/**
 * Weighted sampling in O(1) by Walker's alias method, built in O(n) with Vose's stable variant. One
 * {@code nextLong()} per sample: its high 32 bits pick a column by multiply-shift (no division), its low
 * 32 bits decide between the column and its alias against a 32-bit threshold (no floating point). Equal
 * weights skip the table.
 *
 * <p>Reference: M. D. Vose, "A linear algorithm for generating random numbers with a given distribution",
 * IEEE Trans. Software Eng. 17(9), 1991.
 */
final class AliasTable {
  private final int n;
  private static final long ONE = 1L << 32;

  private final long[] threshold; // keep the column when the low 32 bits are below; null when all weights are equal
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
      threshold = null;
      alias = null;
      return;
    }
    double[] probability = new double[n];
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
    threshold = new long[n];
    for (int i = 0; i < n; i++) {
      threshold[i] = probability[i] >= 1.0 ? ONE : Math.max(1L, (long) (probability[i] * ONE));
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
    long r = random.nextLong();
    int i = column(r, n);
    if (threshold == null || (r & 0xffffffffL) < threshold[i]) {
      return i;
    }
    return alias[i];
  }

  /** Column {@code floor(high32(r) * n / 2^32)}: uniform over 0..n-1 for a uniform r. */
  static int column(long r, int n) {
    return (int) (((r >>> 32) * n) >>> 32);
  }

  /** A value whose draw lands on column {@code i} of {@code n} and keeps it (for tests that script draws). */
  static long drawFor(int i, int n) {
    long high = ((long) i << 32) / n + (((long) i << 32) % n == 0 ? 0 : 1);
    return high << 32;
  }
}
