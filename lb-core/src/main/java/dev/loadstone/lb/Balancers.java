package dev.loadstone.lb;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Static factories for every balancing algorithm; the implementations are package-private.
 *
 * <p>Every balancer reads only the snapshot it was built for (its available backends: UP and ACTIVE),
 * takes no lock, never throws, returns {@link Pick#none()} when nothing is available, and honours a
 * request's exclusions (a retry goes to a different backend, {@code Pick.none} when every available backend
 * is excluded). Weight-aware balancers use {@link BackendState#effectiveWeight(long)} at the snapshot's
 * time, so slow start applies; the pool rebuilds balancers while a ramp lasts.
 *
 * <p>Randomized balancers draw from {@link ThreadLocalRandom#current()} per pick unless given a
 * {@link RandomGenerator}; an injected generator is shared by all threads that pick, so it must be
 * thread-safe when several do (tests use one thread).
 */
public final class Balancers {
  private Balancers() {}

  /**
   * Round robin, weighted as in nginx and HAProxy: each available backend in turn when all weights are equal
   * (one atomic increment per pick), smooth weighted round robin ({@link #weightedRoundRobin()}) when they
   * differ or while some backend ramps up (slow start), so a backend gets turns in proportion to its weight.
   */
  public static Balancer.Factory roundRobin() {
    return RoundRobin::create;
  }

  /**
   * Smooth weighted round robin with nginx's semantics (no bursts: weights 5, 1, 1 give a a b a c a a),
   * O(1) per pick from a cycle precomputed per snapshot. A retry whose scheduled backend is excluded takes
   * the next non-excluded backend in pool order.
   */
  public static Balancer.Factory weightedRoundRobin() {
    return SmoothWeightedRoundRobin::new;
  }

  /**
   * Exact weighted least connections: lowest {@code inFlight / effectiveWeight}; ties broken by smooth
   * weighted round robin, so an idle pool behaves as {@link #weightedRoundRobin()}. O(n) per pick.
   */
  public static Balancer.Factory leastConnections() {
    return LeastConnections::new;
  }

  /** Power of two choices ({@link #powerOfTwo(int, RandomGenerator)} with 2 choices, thread-local randomness). */
  public static Balancer.Factory powerOfTwo() {
    return powerOfTwo(2, ThreadLocalRandom::current);
  }

  /**
   * Least connections by the power of {@code choices} choices: draws that many distinct backends weighted
   * by effective weight and picks the lowest {@code inFlight / effectiveWeight} of them, never the most
   * loaded. O(choices) per pick.
   *
   * @throws IllegalArgumentException when {@code choices < 2}
   */
  public static Balancer.Factory powerOfTwo(int choices, RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return powerOfTwo(choices, () -> random);
  }

  private static Balancer.Factory powerOfTwo(int choices, Supplier<? extends RandomGenerator> random) {
    if (choices < 2 || choices > 64) {
      throw new IllegalArgumentException("choices: " + choices + " (expected: 2..64)");
    }
    return snapshot -> new PowerOfTwoChoicesLeastConnections(snapshot, choices, random);
  }

  /** Weighted random with thread-local randomness. */
  public static Balancer.Factory random() {
    return snapshot -> new WeightedRandom(snapshot, ThreadLocalRandom::current);
  }

  /** Weighted random (probability proportional to effective weight), O(1) per pick by the alias method. */
  public static Balancer.Factory random(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return snapshot -> new WeightedRandom(snapshot, () -> random);
  }

  /** Maglev consistent hashing on {@link PickRequest#hashKey()} with a table of 65537 slots. */
  public static Balancer.Factory maglev() {
    return maglev(MaglevHash.DEFAULT_TABLE_SIZE);
  }

  /**
   * Maglev consistent hashing on {@link PickRequest#hashKey()}: two pools with the same available
   * backends (ids and weights) map every key alike, and removing one of N backends moves about 1/N of the
   * keys. Weight-aware (configured weights; slow start does not apply). A request without a hash key is
   * balanced by round robin.
   *
   * @param tableSize a prime of at least 65537, ideally more than 100 times the number of backends
   * @throws IllegalArgumentException when the table size is not such a prime
   */
  public static Balancer.Factory maglev(int tableSize) {
    if (tableSize < MaglevHash.DEFAULT_TABLE_SIZE || !MaglevHash.isPrime(tableSize)) {
      throw new IllegalArgumentException(
          "maglev table size: " + tableSize + " (expected: a prime >= " + MaglevHash.DEFAULT_TABLE_SIZE + ", e.g. 65537, 131071, 655373)");
    }
    return new MaglevHash.Factory(tableSize);
  }

  /**
   * Sticky cookies over {@code inner}: a valid cookie naming a backend that may still serve its client wins;
   * otherwise {@code inner} picks and the pick carries a fresh cookie ({@link Pick#setCookie()}). See
   * {@link StickyCookies} for the format and rules.
   */
  public static Balancer.Factory sticky(Balancer.Factory inner, StickyCookies cookies) {
    Objects.requireNonNull(inner, "inner");
    Objects.requireNonNull(cookies, "cookies");
    return snapshot -> new StickyCookieBalancer(snapshot, inner.create(snapshot), cookies);
  }

  // ------------------------------------------------------------------ shared by the implementations

  private static final Pick NONE_LEFT = Pick.none("no backend is available that was not already tried");

  static Pick noneLeft() {
    return NONE_LEFT;
  }

  /** Each backend's preallocated pick, in the same order (one dependent load less on the hot path). */
  static Pick[] picks(BackendState[] states) {
    Pick[] p = new Pick[states.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = states[i].asPick();
    }
    return p;
  }

  /** The first backend from {@code start} on, in pool order, that the request does not exclude. */
  static Pick firstNotExcluded(BackendState[] states, int start, PickRequest request) {
    int n = states.length;
    for (int k = 0, i = start; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      if (!request.isExcluded(states[i].id())) {
        return states[i].asPick();
      }
    }
    return NONE_LEFT;
  }
}
