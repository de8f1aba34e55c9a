package dev.loadstone.health;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Combines active checks and passive outlier detection into the single {@link Health} each backend reports
 * to the pool: UP exactly when its active checks say UP (rise/fall hysteresis, see {@link RiseFall}) and it
 * is not ejected.
 *
 * <p>Outlier ejection follows Envoy's consecutive-5xx / consecutive-gateway-failure detection
 * (envoyproxy.io, "Outlier detection"): {@code consecutiveFailures} failed exchanges in a row eject a
 * backend for {@code baseEjectionTime * 2^(k-1)} on its k-th ejection, capped at {@code maxEjectionTime};
 * the count k starts again once a backend has stayed in for a full {@code maxEjectionTime}. At most
 * {@code floor(maxEjectionShare * poolSize)} backends are ejected at once. An ejected backend returns at the
 * first passing active check after its ejection time (or when the ejection time ends if there are no active
 * checks), or earlier when the active checks themselves went DOWN during the ejection and have come back UP
 * (rise passes): they watched the outage end, as after a restart, so the rest of the ejection would only keep a
 * healthy backend out.
 *
 * <p>Pure state: time comes from the injected {@link Ticker}; the scheduler feeds it check results. State
 * changes are serialized on this object's monitor; {@link #onSuccess} is lock-free.
 */
final class HealthStateMachine implements OutlierDetector {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  static final class Tracker {
    final String id;
    final RiseFall checks;
    final AtomicInteger failures = new AtomicInteger(); // consecutive failed exchanges
    volatile CheckResult lastCheck;
    volatile Health reported;
    volatile String reason;
    volatile long sinceNanos;
    boolean ejected;
    long ejectedUntilNanos;
    long lastEjectionEndNanos;
    int ejections;

    Tracker(String id, RiseFall checks, Health reported, String reason, long sinceNanos) {
      this.id = id;
      this.checks = checks;
      this.reported = reported;
      this.reason = reason;
      this.sinceNanos = sinceNanos;
    }
  }

  /** A tracker's state at one moment, in ticker time ({@link DefaultHealthChecker} turns it into a {@link HealthStatus}). */
  record Status(Health health, String reason, long sinceNanos, boolean ejected, long ejectedUntilNanos, int failures) {}

  private final BackendPool pool;
  private final HealthCheckSettings settings;
  private final Ticker ticker;
  private final HealthObserver observer;
  private final boolean activeChecks;
  private final Map<String, Tracker> trackers = new ConcurrentHashMap<>(); // mutated under this

  HealthStateMachine(BackendPool pool, HealthCheckSettings settings, Ticker ticker, HealthObserver observer) {
    this.pool = pool;
    this.settings = settings;
    this.ticker = ticker;
    this.observer = observer;
    this.activeChecks = settings.type() != HealthCheckSettings.Type.NONE;
  }

  /** Starts tracking a backend from the health the pool gives it now (UP at start-up, DOWN when added later). */
  synchronized void track(String id, Health initial) {
    if (trackers.containsKey(id)) {
      return;
    }
    String why = initial == Health.UP ? "joined UP"
        : activeChecks ? "joined DOWN: UP after " + settings.rise() + " passed check" + (settings.rise() == 1 ? "" : "s") : "joined DOWN";
    Tracker t = new Tracker(id, new RiseFall(initial == Health.UP || !activeChecks, settings.rise(), settings.fall()), initial,
        why, ticker.read());
    trackers.put(id, t);
    if (!activeChecks && initial == Health.DOWN) {
      update(t, "at once: no active health check is configured");
    }
  }

  synchronized void untrack(String id) {
    trackers.remove(id);
  }

  Set<String> trackedIds() {
    return Set.copyOf(trackers.keySet());
  }

  boolean isTracked(String id) {
    return trackers.containsKey(id);
  }

  /** What the active checks alone say (decides the check interval). */
  boolean isActiveUp(String id) {
    Tracker t = trackers.get(id);
    return t != null && t.checks.isUp();
  }

  CheckResult lastCheck(String id) {
    Tracker t = trackers.get(id);
    return t == null ? null : t.lastCheck;
  }

  /** The tracker's health, reason and ejection now, or null for an untracked backend. */
  synchronized Status status(String id) {
    Tracker t = trackers.get(id);
    return t == null ? null : new Status(t.reported, t.reason, t.sinceNanos, t.ejected, t.ejectedUntilNanos, t.failures.get());
  }

  synchronized boolean isEjected(String id) {
    Tracker t = trackers.get(id);
    return t != null && t.ejected;
  }

  synchronized void onCheck(String id, CheckResult r) {
    Tracker t = trackers.get(id);
    if (t == null) {
      return;
    }
    t.lastCheck = r;
    int run = t.checks.run() + 1;
    boolean flipped = t.checks.record(r.passed());
    String reason = null;
    if (flipped) {
      reason = t.checks.isUp()
          ? "after " + run + " passed check" + (run == 1 ? "" : "s") + ": " + r.detail()
          : "after " + run + " failed check" + (run == 1 ? "" : "s") + ": " + r.detail();
    }
    boolean recovered = flipped && t.checks.isUp(); // the checks themselves saw it fail and come back
    if (t.ejected && r.passed() && (recovered || ticker.read() - t.ejectedUntilNanos >= 0)) {
      t.ejected = false;
      t.lastEjectionEndNanos = ticker.read();
      if (reason == null) {
        reason = "after its ejection ended and a check passed: " + r.detail();
      }
    }
    if (reason != null) {
      update(t, reason);
    }
  }

  @Override
  public void onSuccess(String backendId) {
    Tracker t = trackers.get(backendId);
    if (t != null && t.failures.get() != 0) {
      t.failures.set(0);
    }
  }

  @Override
  public void onFailure(String backendId, FailureKind kind) {
    failure(backendId, kind);
  }

  /** Records a failed exchange; returns the ejection time when it ejected the backend, else null. */
  Duration failure(String id, FailureKind kind) {
    int threshold = settings.consecutiveFailures();
    Tracker t = trackers.get(id);
    if (threshold == 0 || t == null || t.failures.incrementAndGet() < threshold) {
      return null;
    }
    synchronized (this) {
      if (trackers.get(id) != t || t.failures.get() < threshold) {
        return null; // removed, or another thread's failure already acted on this run
      }
      t.failures.set(0);
      if (t.ejected || t.reported == Health.DOWN) {
        return null; // already out of rotation: nothing to eject
      }
      int ejectedNow = 0;
      for (Tracker o : trackers.values()) {
        if (o.ejected) {
          ejectedNow++;
        }
      }
      int allowed = (int) Math.floor(settings.maxEjectionShare() * trackers.size());
      if (ejectedNow + 1 > allowed) {
        log.warn("{} not ejected after {} consecutive failed exchanges (last: {}): {} of {} backends already ejected"
                + " (max share {})", id, threshold, kind, ejectedNow, trackers.size(), settings.maxEjectionShare());
        return null;
      }
      long now = ticker.read();
      if (t.ejections > 0 && now - t.lastEjectionEndNanos >= settings.maxEjectionTime().toNanos()) {
        t.ejections = 0; // stayed in for a whole max ejection time: start doubling from the base again
      }
      t.ejections++;
      Duration time = ejectionTime(t.ejections);
      t.ejected = true;
      t.ejectedUntilNanos = now + time.toNanos();
      update(t, "after " + threshold + " consecutive failed exchanges (last: " + describe(kind) + "): ejected for "
          + format(time) + (t.ejections > 1 ? " (ejection " + t.ejections + ")" : ""));
      return time;
    }
  }

  /**
   * Without active checks an ejected backend returns when its ejection time ends. Returns the nanoseconds still
   * left when called early (the caller schedules it again: a timer and the ticker may disagree slightly), else 0.
   */
  synchronized long onEjectionEnd(String id) {
    Tracker t = trackers.get(id);
    if (t == null || !t.ejected || activeChecks) {
      return 0;
    }
    long now = ticker.read();
    if (now - t.ejectedUntilNanos < 0) {
      return t.ejectedUntilNanos - now;
    }
    t.ejected = false;
    t.lastEjectionEndNanos = now;
    update(t, "after its ejection ended");
    return 0;
  }

  Duration ejectionTime(int ejection) {
    Duration base = settings.baseEjectionTime();
    Duration max = settings.maxEjectionTime();
    Duration d = base;
    for (int i = 1; i < ejection && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  private void update(Tracker t, String reason) {
    Health h = t.checks.isUp() && !t.ejected ? Health.UP : Health.DOWN;
    if (h == t.reported) {
      log.debug("{} stays {} ({})", t.id, h, reason);
      return;
    }
    t.reported = h;
    t.reason = reason;
    t.sinceNanos = ticker.read();
    log.info("{} {} {}", t.id, h, reason);
    try {
      pool.setHealth(t.id, h);
    } catch (IllegalArgumentException removedMeanwhile) {
      return;
    }
    try {
      observer.onTransition(t.id, h, reason);
    } catch (RuntimeException e) {
      log.warn("health observer failed on {} {}", t.id, h, e);
    }
  }

  private static String describe(FailureKind kind) {
    switch (kind) {
      case CONNECT:
        return "connect failure";
      case STATUS_5XX:
        return "5xx response";
      case TIMEOUT:
        return "response timeout";
      default:
        return "connection reset";
    }
  }

  static String format(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    return d.getSeconds() + "s";
  }
}
