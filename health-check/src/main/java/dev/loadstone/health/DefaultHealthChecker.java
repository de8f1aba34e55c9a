package dev.loadstone.health;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.PoolListener;
import dev.loadstone.lb.PoolSnapshot;
import dev.loadstone.lb.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules each backend's checks on one event loop of the group (chosen when the backend is first seen),
 * one timer at a time: the next check is scheduled when the previous one finishes, after the UP or DOWN
 * interval stretched by random jitter, so checks never overlap and never align across backends.
 */
final class DefaultHealthChecker implements HealthChecker, PoolListener {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private final class Schedule {
    final String id;
    final EventLoop loop;
    volatile boolean cancelled;
    volatile ScheduledFuture<?> next;

    Schedule(String id, EventLoop loop) {
      this.id = id;
      this.loop = loop;
    }

    void run() {
      if (cancelled || closed) {
        return;
      }
      BackendState state = pool.snapshot().get(id);
      if (state == null) {
        return;
      }
      try {
        probe.check(state.backend(), loop, this::finished);
      } catch (RuntimeException e) {
        finished(CheckResult.fail("check failed to start: " + e, Duration.ZERO, clock.instant()));
      }
    }

    void finished(CheckResult r) {
      if (cancelled || closed) {
        return;
      }
      try {
        observer.onCheck(id, r);
      } catch (RuntimeException e) {
        log.warn("health observer failed on a check of {}", id, e);
      }
      machine.onCheck(id, r);
      Duration base = machine.isActiveUp(id) ? settings.interval() : settings.downInterval();
      next = loop.schedule(this::run, jittered(base), TimeUnit.NANOSECONDS);
    }

    void cancel() {
      cancelled = true;
      ScheduledFuture<?> f = next;
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  private final BackendPool pool;
  private final EventLoopGroup group;
  private final HealthCheckSettings settings;
  private final Clock clock;
  private final Ticker ticker;
  private final RandomGenerator random;
  private final HealthObserver observer;
  private final HealthStateMachine machine;
  private final Probe probe;
  private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean closed;
  /** The default DNS resolver, created (and closed) by this checker when none was given. */
  private final AddressResolverGroup<? extends SocketAddress> ownedResolver;

  DefaultHealthChecker(HealthChecker.Builder b) {
    pool = b.pool;
    group = b.group;
    settings = b.settings == null ? HealthCheckSettings.defaults() : b.settings;
    ticker = b.ticker == null ? pool.ticker() : b.ticker;
    clock = b.clock == null ? Clock.systemUTC() : b.clock;
    random = b.random == null ? RandomGenerator.of("L64X128MixRandom") : b.random;
    observer = b.observer == null ? HealthObserver.none() : b.observer;
    machine = new HealthStateMachine(pool, settings, ticker, observer);
    ChannelFactory<? extends Channel> channels = b.channelFactory == null ? HealthChecker.nio() : b.channelFactory;
    ownedResolver = b.resolver == null && settings.type() != HealthCheckSettings.Type.NONE ? HealthChecker.dns() : null;
    AddressResolverGroup<? extends SocketAddress> resolver = b.resolver != null ? b.resolver : ownedResolver;
    switch (settings.type()) {
      case HTTP:
        probe = new HttpProbe(settings, channels, resolver, ticker, clock, b.tls);
        break;
      case TCP:
        probe = new TcpProbe(settings, channels, resolver, ticker, clock);
        break;
      default:
        probe = null;
    }
  }

  @Override
  public synchronized void start() {
    if (started || closed) {
      return;
    }
    started = true;
    log.info("health checks: {}", settings);
    pool.addListener(this);
    reconcile();
  }

  @Override
  public void onChange(PoolSnapshot previous, PoolSnapshot current) {
    // Health and weight changes need nothing here. Returning before taking this object's lock also matters:
    // the state machine reports health while holding its own lock, and reconcile() takes this lock, then
    // the machine's; reacting to those reports would invert that order.
    if (previous == null || !sameMembers(previous, current)) {
      reconcile();
    }
  }

  private static boolean sameMembers(PoolSnapshot a, PoolSnapshot b) {
    if (a.all().size() != b.all().size()) {
      return false;
    }
    for (BackendState s : b.all()) {
      if (a.get(s.id()) == null) {
        return false;
      }
    }
    return true;
  }

  /** Brings the tracked set in line with the pool's latest snapshot (listeners may run concurrently). */
  private synchronized void reconcile() {
    if (closed) {
      return;
    }
    PoolSnapshot now = pool.snapshot();
    Set<String> present = new HashSet<>();
    for (BackendState s : now.all()) {
      present.add(s.id());
      if (!machine.isTracked(s.id())) {
        machine.track(s.id(), s.health());
        if (probe != null) {
          Schedule sch = new Schedule(s.id(), group.next());
          schedules.put(s.id(), sch);
          sch.loop.execute(sch::run);
        }
      }
    }
    for (String id : Set.copyOf(schedules.keySet())) {
      if (!present.contains(id)) {
        schedules.remove(id).cancel();
      }
    }
    for (String id : machine.trackedIds()) {
      if (!present.contains(id)) {
        machine.untrack(id); // so ejection shares count only the current pool
      }
    }
  }

  private long jittered(Duration base) {
    return jitteredNanos(base, settings.jitter(), random);
  }

  /** {@code base} stretched or shrunk by a uniformly random share in {@code [-jitter, +jitter)}. */
  static long jitteredNanos(Duration base, double jitter, RandomGenerator random) {
    double factor = jitter == 0.0 ? 1.0 : 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
    return Math.max(1L, Math.round(base.toNanos() * factor));
  }

  @Override
  public void onSuccess(String backendId) {
    machine.onSuccess(backendId);
  }

  @Override
  public void onFailure(String backendId, FailureKind kind) {
    Duration ejected = machine.failure(backendId, kind);
    if (ejected != null && probe == null) {
      scheduleEjectionEnd(backendId, ejected.toNanos());
    }
  }

  private void scheduleEjectionEnd(String backendId, long nanos) {
    if (closed) {
      return;
    }
    group.next().schedule(() -> {
      long left = machine.onEjectionEnd(backendId);
      if (left > 0) {
        scheduleEjectionEnd(backendId, left);
      }
    }, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public HealthCheckSettings settings() {
    return settings;
  }

  @Override
  public Optional<CheckResult> lastCheck(String backendId) {
    return Optional.ofNullable(machine.lastCheck(backendId));
  }

  @Override
  public Optional<HealthStatus> status(String backendId) {
    HealthStateMachine.Status s = machine.status(backendId);
    if (s == null) {
      return Optional.empty();
    }
    long now = ticker.read();
    Instant wall = clock.instant();
    Instant since = wall.minusNanos(now - s.sinceNanos()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Instant until = s.ejected() ? wall.plusNanos(s.ejectedUntilNanos() - now).truncatedTo(java.time.temporal.ChronoUnit.MILLIS) : null;
    return Optional.of(new HealthStatus(s.health(), s.reason(), since, until, s.failures()));
  }

  @Override
  public boolean isEjected(String backendId) {
    return machine.isEjected(backendId);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pool.removeListener(this);
    for (Schedule s : schedules.values()) {
      s.cancel();
    }
    schedules.clear();
    if (ownedResolver != null) {
      ownedResolver.close();
    }
  }
}
