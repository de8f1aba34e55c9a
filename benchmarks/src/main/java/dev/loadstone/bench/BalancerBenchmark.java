package dev.loadstone.bench;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Balancer;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Pick;
import dev.loadstone.lb.PickRequest;
import dev.loadstone.lb.StickyCookies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pick through {@link BackendPool#pick(PickRequest)} (the snapshot read and the balancer), for every
 * balancer at 3, 100 and 10,000 backends, on 1 and 2 threads. Backend weights are {@code 1 + i % 10};
 * requests carry one of 1024 precomputed hash keys (only Maglev uses it). STICKY is the sticky-cookie
 * decorator over round robin with a valid cookie, so it measures a verify plus a snapshot lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerBenchmark {

  public enum Algorithm {
    ROUND_ROBIN,
    WEIGHTED_ROUND_ROBIN,
    LEAST_CONNECTIONS,
    POWER_OF_TWO,
    RANDOM,
    MAGLEV,
    STICKY;

    Balancer.Factory factory(StickyCookies cookies) {
      switch (this) {
        case ROUND_ROBIN:
          return Balancers.roundRobin();
        case WEIGHTED_ROUND_ROBIN:
          return Balancers.weightedRoundRobin();
        case LEAST_CONNECTIONS:
          return Balancers.leastConnections();
        case POWER_OF_TWO:
          return Balancers.powerOfTwo();
        case RANDOM:
          return Balancers.random();
        case MAGLEV:
          return Balancers.maglev();
        case STICKY:
          return Balancers.sticky(Balancers.roundRobin(), cookies);
        default:
          throw new AssertionError(this);
      }
    }
  }

  @Param
  public Algorithm algorithm;

  @Param({"3", "100", "10000"})
  public int backends;

  private BackendPool pool;
  private PickRequest[] requests;

  @Setup(Level.Trial)
  public void setUp() {
    StickyCookies cookies = StickyCookies.builder().addKey("bench", new byte[32]).build();
    pool = BackendPool.builder().balancer(algorithm.factory(cookies)).build();
    List<Backend> list = new ArrayList<>(backends);
    for (int i = 0; i < backends; i++) {
      list.add(Backend.of("b" + i, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":8080", 1 + i % 10));
    }
    pool.addAll(list, Health.UP);
    requests = new PickRequest[1024];
    for (int i = 0; i < requests.length; i++) {
      String cookie = algorithm == Algorithm.STICKY ? cookies.encode("b" + (i % backends)) : null;
      requests[i] = PickRequest.of("user-" + i * 7919, cookie);
    }
  }

  /** Each thread walks the request array from its own position. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  private Pick pick(Cursor c) {
    PickRequest r = requests[c.next++ & 1023];
    return pool.pick(r);
  }

  @Benchmark
  @Threads(1)
  public Pick pick1Thread(Cursor c) {
    return pick(c);
  }

  @Benchmark
  @Threads(2)
  public Pick pick2Threads(Cursor c) {
    return pick(c);
  }
}
