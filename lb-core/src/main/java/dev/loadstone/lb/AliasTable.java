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
  private static final long ONE = 1L << 32;
  private static final long THRESHOLD_MASK = (1L << 33) - 1;
  private static final long LOW32 = 0xffffffffL;

  private final int n;
  /**
   * Per column: {@code alias << 33 | threshold}, keep the column when the coin is below the threshold
   * (1..2^32); one load per sample. Null when all weights are equal (every column keeps itself).
   */
  private final long[] entries;

  AliasTable(double[] weights) {
    n = weights.length;
    boolean equal = true;
    double total = 0;
    for (double w : weights) {
      total += w;
      equal &= w == weights[0];
    }
    if (equal || n < 2) {
      entries = null;
      return;
    }
    double[] probability = new double[n];
    int[] alias = new int[n];
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
    entries = new long[n];
    for (int i = 0; i < n; i++) {
      long threshold = probability[i] >= 1.0 ? ONE : Math.max(1L, (long) (probability[i] * ONE));
      entries[i] = (long) (probability[i] >= 1.0 ? i : alias[i]) << 33 | threshold;
    }
  }

  static AliasTable of(BackendState[] states, long now) {
    double[] w = new double[states.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = states[i].effectiveWeight(now);
    }
    return new AliasTable(w);
  }

  /** True when every weight is equal: a sample is then just a uniform column. */
  boolean isUniform() {
    return entries == null;
  }

  /** One sample from one {@code nextLong()}: column from its high 32 bits, coin from its low 32 bits. */
  int sample(RandomGenerator random) {
    long r = random.nextLong();
    int i = column(r, n);
    if (entries == null) {
      return i;
    }
    long e = entries[i];
    return (r & LOW32) < (e & THRESHOLD_MASK) ? i : (int) (e >>> 33);
  }

  /**
   * One sample from 32 random bits {@code h} (0..2^32-1), so one {@code nextLong()} gives two: the column is
   * the high word of {@code h * n} and the coin its low word (the fraction that the multiply-shift drops;
   * given the column it is uniform over a grid of step n, so each kept/alias probability is off by at most
   * n / 2^32, e.g. 2.3e-6 at 10,000 backends). The coin picks column or alias without a branch, because a
   * branch on it is mispredicted about as often as the column's probability is away from 0 or 1.
   */
  int sampleHalf(long h) {
    long x = h * n;
    int column = (int) (x >>> 32);
    if (entries == null) {
      return column;
    }
    long e = entries[column];
    long keep = ((x & LOW32) - (e & THRESHOLD_MASK)) >> 63; // all ones when coin < threshold
    return (int) ((column & keep) | ((e >>> 33) & ~keep));
  }

  /** Column {@code floor(high32(r) * n / 2^32)}: uniform over 0..n-1 for a uniform r. */
  static int column(long r, int n) {
    return (int) (((r >>> 32) * n) >>> 32);
  }

  /** 32 bits whose sample lands on column {@code i} of {@code n} and keeps it (for tests that script draws). */
  static long halfFor(int i, int n) {
    return ((long) i << 32) / n + (((long) i << 32) % n == 0 ? 0 : 1);
  }

  /** A value whose {@link #sample} lands on column {@code i} of {@code n} and keeps it. */
  static long drawFor(int i, int n) {
    return halfFor(i, n) << 32;
  }

  /** A value whose two halves ({@link #sampleHalf}, high word first) land on and keep columns i and j. */
  static long drawPairFor(int i, int j, int n) {
    return halfFor(i, n) << 32 | halfFor(j, n);
  }
}
