package dev.loadstone.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pickers acquire and release while a writer adds, removes, drains and flips backends. */
class ConcurrencyTest {
  private static final int PICKERS = 3;
  private static final int WRITER_STEPS = 3000;

  static Stream<Arguments> balancers() {
    StickyCookies cookies = StickyCookies.builder().addKey("k1", new byte[32]).build();
    return Stream.of(
        Arguments.of("roundRobin", Balancers.roundRobin()),
        Arguments.of("weightedRoundRobin", Balancers.weightedRoundRobin()),
        Arguments.of("leastConnections", Balancers.leastConnections()),
        Arguments.of("powerOfTwo", Balancers.powerOfTwo()),
        Arguments.of("random", Balancers.random()),
        Arguments.of("maglev", Balancers.maglev()),
        Arguments.of("sticky(leastConnections)", Balancers.sticky(Balancers.leastConnections(), cookies)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancers")
  void everyInFlightCounterReturnsToZeroWhileBackendsComeAndGo(String name, Balancer.Factory factory) throws Exception {
    BackendPool pool = BackendPool.builder().balancer(factory).slowStart(Duration.ofMillis(50), 0.2).build();
    pool.addAll(TestSupport.backends(1, 2, 3, 1, 1, 2), Health.UP);
    // Leases held across the run on a backend the writer removes first: they must release cleanly.
    List<Lease> early = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      early.add(pool.acquire(PickRequest.EMPTY.excluding("b").excluding("c").excluding("d").excluding("e").excluding("f")));
    }
    assertThat(early).extracting(l -> l.backend().id()).containsOnly("a");

    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Set<BackendState> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    AtomicBoolean writerDone = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < PICKERS; p++) {
      int seed = p;
      threads.add(new Thread(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        ArrayDeque<Lease> held = new ArrayDeque<>();
        String cookie = null;
        try {
          start.await();
          int picks = 0;
          while (!writerDone.get() || picks < 20_000) {
            PickRequest req = PickRequest.of("key-" + r.nextInt(1000), r.nextBoolean() ? cookie : null);
            if (r.nextInt(10) == 0) {
              req = req.excluding(TestSupport.id(r.nextInt(8)));
            }
            Lease l = pool.acquire(req);
            picks++;
            if (!l.isEmpty()) {
              seen.add(l.state());
              if (l.setCookie() != null) {
                cookie = l.setCookie();
              }
              held.add(l);
            }
            while (held.size() > r.nextInt(8)) {
              Lease out = r.nextBoolean() ? held.pollFirst() : held.pollLast();
              out.release();
              if (r.nextInt(4) == 0) {
                out.release(); // a failure path releasing twice
              }
            }
          }
          held.forEach(Lease::release);
        } catch (Throwable t) {
          errors.add(t);
        }
      }, "picker-" + p));
    }
    threads.add(new Thread(() -> {
      SplittableRandom r = new SplittableRandom(99);
      try {
        start.await();
        pool.remove("a");
        for (int step = 0; step < WRITER_STEPS; step++) {
          String id = TestSupport.id(r.nextInt(8));
          try {
            switch (r.nextInt(7)) {
              case 0 -> pool.add(Backend.of(id, "10.0.0." + (id.charAt(0) - 'a' + 1) + ":8080", 1 + r.nextInt(5)), Health.UP);
              case 1 -> pool.remove(id);
              case 2 -> pool.drain(id, Duration.ofMillis(r.nextInt(5)));
              case 3 -> pool.removeWhenIdle(id, Duration.ofMillis(1));
              case 4 -> pool.setHealth(id, r.nextBoolean() ? Health.UP : Health.DOWN);
              case 5 -> pool.setAdminState(id, r.nextBoolean() ? AdminState.ACTIVE : AdminState.MAINTENANCE);
              default -> pool.setWeight(id, 1 + r.nextInt(10));
            }
          } catch (IllegalArgumentException expected) {
            // unknown or duplicate id: the writer's random choice, not a pool failure
          }
        }
      } catch (Throwable t) {
        errors.add(t);
      } finally {
        writerDone.set(true);
      }
    }, "writer"));
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
    }
    assertThat(errors).isEmpty();
    BackendState now = pool.snapshot().get("a"); // the writer may have added an "a" again: a new counter
    assertThat(now == null || now.inFlight != early.get(0).state().inFlight).isTrue();
    assertThat(early.get(0).state().inFlight()).isEqualTo(3);
    early.forEach(Lease::release);
    seen.addAll(early.stream().map(Lease::state).toList());
    assertThat(seen).hasSizeGreaterThan(1); // the early leases' backend and at least one picked
    assertThat(seen).allSatisfy(s -> assertThat(s.inFlight()).as(s.id()).isZero());
    assertThat(pool.snapshot().all()).allSatisfy(s -> assertThat(s.inFlight()).as(s.id()).isZero());
  }
}
