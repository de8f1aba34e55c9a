package dev.loadstone.lb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Test doubles with injected time and randomness, and small pool helpers. */
final class TestSupport {
  private TestSupport() {}

  /** A ticker that moves only when told. */
  static final class ManualTicker implements Ticker {
    private volatile long now = 1_000_000_000L;

    @Override
    public long read() {
      return now;
    }

    void advance(Duration d) {
      now += d.toNanos();
    }
  }

  /** A wall clock that moves only when told. */
  static final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  /**
   * Scripts which backend index each draw lands on (a pool of {@code n} backends), and counts draws.
   * Balancers draw with {@code nextLong()}; the value returned lands on the scripted index and keeps it
   * (see {@link AliasTable#drawFor(int, int)}).
   */
  static final class ScriptedRandom implements RandomGenerator {
    private final int n;
    private final Deque<Integer> indexes = new ArrayDeque<>();
    private boolean pairs;
    int draws;

    ScriptedRandom(int n) {
      this.n = n;
    }

    ScriptedRandom then(int... values) {
      for (int v : values) {
        if (v < 0 || v >= n) {
          throw new IllegalArgumentException("index " + v + " outside 0.." + (n - 1));
        }
        indexes.add(v);
      }
      return this;
    }

    /**
     * Each nextLong carries two scripted draws, one per 32-bit half (high word first), as power of two's
     * hot path reads them ({@link AliasTable#sampleHalf}).
     */
    ScriptedRandom pairs() {
      pairs = true;
      return this;
    }

    int remaining() {
      return indexes.size();
    }

    @Override
    public long nextLong() {
      Integer v = indexes.poll();
      if (v == null) {
        throw new AssertionError("no scripted value left");
      }
      draws++;
      if (pairs) {
        Integer w = indexes.poll();
        if (w == null) {
          throw new AssertionError("no scripted value left for the low half");
        }
        return AliasTable.drawPairFor(v, w, n);
      }
      return AliasTable.drawFor(v, n);
    }
  }

  /** Ids a, b, c, ... (then b26, b27, ...) on 10.0.x.y:8080 with the given weights. */
  static List<Backend> backends(int... weights) {
    List<Backend> list = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      list.add(Backend.of(id(i), "10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080", weights[i]));
    }
    return list;
  }

  static String id(int i) {
    return i < 26 ? String.valueOf((char) ('a' + i)) : "b" + i;
  }

  static int[] ones(int n) {
    int[] w = new int[n];
    Arrays.fill(w, 1);
    return w;
  }

  static BackendPool pool(Balancer.Factory factory, int... weights) {
    BackendPool p = BackendPool.builder().balancer(factory).build();
    p.addAll(backends(weights), Health.UP);
    return p;
  }

  static String pickId(BackendPool pool, PickRequest request) {
    Pick p = pool.pick(request);
    return p.isEmpty() ? null : p.state().id();
  }

  /** Ids of {@code count} picks in order. */
  static List<String> sequence(BackendPool pool, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(pickId(pool, PickRequest.EMPTY));
    }
    return ids;
  }

  static Map<String, Integer> counts(List<String> ids) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String id : ids) {
      m.merge(id, 1, Integer::sum);
    }
    return m;
  }
}
