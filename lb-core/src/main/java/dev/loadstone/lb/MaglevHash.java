package dev.loadstone.lb;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Maglev consistent hashing: a lookup table of prime size M (65537 by default) filled from one permutation
 * of the slots per backend ({@code offset + j * skip mod M}, both from the backend id's hash), backends
 * taking turns to claim their next preferred free slot. A key maps to {@code table[hash(key) mod M]}: one
 * hash and one array read per pick. Every backend gets M/N slots to within one, and removing a backend
 * moves its own keys plus only a few percent of the others.
 *
 * <p>Reference: D. E. Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016, section 3.4 (Algorithm 1). Weighted turns follow Envoy's weighted Maglev: a backend claims a
 * slot in a round only once its accumulated weight reaches the largest weight, so it holds about
 * {@code M * weight / total} slots.
 *
 * <p>Determinism: the table depends only on the set of available (id, weight) pairs, never on pool order
 * or time (backends are sorted by id before filling), so two proxies with the same backends agree on
 * every key. Slow start does not apply: the configured weights are used, because a table that changes with
 * the ramp would move keys back and forth while a backend warms up. Because the table depends only on
 * those pairs, a factory reuses its last table when a new snapshot has the same ones (for example when an
 * unrelated backend drains or a slow-start refresh happens), so a rebuild then costs O(n log n), not a
 * refill. The table should be much larger than the number of backends (the paper uses M >= 100 N); at
 * 10,000 backends and M = 65537 each backend holds 6 or 7 slots.
 *
 * <p>A request without a {@link PickRequest#hashKey() hash key} is balanced by round robin. A key whose
 * backend is excluded (a retry) goes to the next backend in the table that is not.
 */
final class MaglevHash implements Balancer {
  static final int DEFAULT_TABLE_SIZE = 65537;
  static final long KEY_SEED = 0x6c6f616473746f6eL;
  private static final long OFFSET_SEED = 0x2545f4914f6cdd1dL;
  private static final long SKIP_SEED = 0x9e3779b97f4a7c15L;

  private final BackendState[] states; // sorted by id
  private final Pick[] picks;
  private final int[] table;
  private final RoundRobin keyless;

  private MaglevHash(PoolSnapshot snapshot, BackendState[] states, int[] table) {
    this.states = states;
    this.picks = Balancers.picks(states);
    this.table = table;
    this.keyless = new RoundRobin(snapshot);
  }

  @Override
  public Pick pick(PickRequest request) {
    String key = request.hashKey();
    if (key == null || states.length == 0) {
      return keyless.pick(request);
    }
    int m = table.length;
    int slot = slotOf(Hashing.hash64(key, KEY_SEED), m);
    if (!request.hasExclusions()) {
      return picks[table[slot]];
    }
    BackendState s = states[table[slot]];
    if (!request.isExcluded(s.id())) {
      return s.asPick();
    }
    for (int k = 1; k < m; k++) {
      if (++slot == m) {
        slot = 0;
      }
      s = states[table[slot]];
      if (!request.isExcluded(s.id())) {
        return s.asPick();
      }
    }
    return Balancers.noneLeft();
  }

  /** Maps a 64-bit hash onto 0..m-1 by multiply-shift of its high 32 bits (Lemire), avoiding a division. */
  static int slotOf(long hash, int m) {
    return (int) (((hash >>> 32) * m) >>> 32);
  }

  /** A factory that remembers its last table and reuses it for the same (id, weight) pairs. */
  static final class Factory implements Balancer.Factory {
    private final int tableSize;
    private volatile Built last;

    Factory(int tableSize) {
      this.tableSize = tableSize;
    }

    @Override
    public Balancer create(PoolSnapshot snapshot) {
      BackendState[] sorted = snapshot.available().toArray(new BackendState[0]);
      Arrays.sort(sorted, Comparator.comparing(BackendState::id));
      String[] ids = new String[sorted.length];
      int[] weights = new int[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        ids[i] = sorted[i].id();
        weights[i] = sorted[i].weight();
      }
      Built b = last;
      if (b == null || !Arrays.equals(b.ids, ids) || !Arrays.equals(b.weights, weights)) {
        b = new Built(ids, weights, populate(ids, weights, tableSize));
        last = b;
      }
      return new MaglevHash(snapshot, sorted, b.table);
    }
  }

  private static final class Built {
    final String[] ids;
    final int[] weights;
    final int[] table;

    Built(String[] ids, int[] weights, int[] table) {
      this.ids = ids;
      this.weights = weights;
      this.table = table;
    }
  }

  /** Algorithm 1 of the paper, with weighted turns; entries are indexes into {@code ids}. */
  static int[] populate(String[] ids, int[] weights, int m) {
    int n = ids.length;
    if (n == 0) {
      return new int[0];
    }
    long[] next = new long[n]; // the next slot this backend prefers
    long[] skip = new long[n];
    long[] credit = new long[n];
    int maxWeight = 0;
    for (int i = 0; i < n; i++) {
      next[i] = Long.remainderUnsigned(Hashing.hash64(ids[i], OFFSET_SEED), m);
      skip[i] = Long.remainderUnsigned(Hashing.hash64(ids[i], SKIP_SEED), m - 1) + 1;
      maxWeight = Math.max(maxWeight, weights[i]);
    }
    int[] table = new int[m];
    Arrays.fill(table, -1);
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        credit[i] += weights[i];
        if (credit[i] < maxWeight) {
          continue;
        }
        credit[i] -= maxWeight;
        int c = (int) next[i];
        while (table[c] >= 0) {
          c = (int) ((c + skip[i]) % m);
        }
        table[c] = i;
        next[i] = (c + skip[i]) % m;
        if (++filled == m) {
          return table;
        }
      }
    }
  }

  static boolean isPrime(int n) {
    if (n < 2) {
      return false;
    }
    for (int d = 2; (long) d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
