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

  /** Returns scripted values from {@code nextInt(bound)} and records every bound asked for. */
  static final class ScriptedRandom implements RandomGenerator {
    private final Deque<Integer> ints = new ArrayDeque<>();
    final List<Integer> bounds = new ArrayList<>();

    ScriptedRandom then(int... values) {
      for (int v : values) {
        ints.add(v);
      }
      return this;
    }

    int remaining() {
      return ints.size();
    }

    @Override
    public int nextInt(int bound) {
      bounds.add(bound);
      Integer v = ints.poll();
      if (v == null) {
        throw new AssertionError("no scripted value left");
      }
      if (v < 0 || v >= bound) {
        throw new AssertionError("scripted " + v + " outside bound " + bound);
      }
      return v;
    }

    /** 0.0: a weighted (alias table) draw then keeps the index scripted for {@code nextInt}. */
    @Override
    public double nextDouble() {
      return 0.0;
    }

    @Override
    public long nextLong() {
      throw new AssertionError("only nextInt(bound) is scripted");
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
