package dev.loadstone.lb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend with its live state as of one {@link PoolSnapshot}. Immutable except for the in-flight count,
 * which is shared by every snapshot of the same backend, so that a lease taken on an old snapshot is
 * released against the same counter.
 */
public final class BackendState {
  private final Backend backend;
  private final Health health;
  private final AdminState adminState;
  private final long drainDeadlineNanos;
  private final long upSinceNanos;
  private final long slowStartNanos;
  private final double slowStartFloor;
  final AtomicInteger inFlight;
  private final Pick pick;

  BackendState(
      Backend backend,
      Health health,
      AdminState adminState,
      long drainDeadlineNanos,
      long upSinceNanos,
      long slowStartNanos,
      double slowStartFloor,
      AtomicInteger inFlight) {
    this.backend = backend;
    this.health = health;
    this.adminState = adminState;
    this.drainDeadlineNanos = drainDeadlineNanos;
    this.upSinceNanos = upSinceNanos;
    this.slowStartNanos = slowStartNanos;
    this.slowStartFloor = slowStartFloor;
    this.inFlight = inFlight;
    this.pick = new Pick(this, null);
  }

  public Backend backend() {
    return backend;
  }

  public String id() {
    return backend.id();
  }

  public int weight() {
    return backend.weight();
  }

  public Health health() {
    return health;
  }

  public AdminState adminState() {
    return adminState;
  }

  /** UP and ACTIVE: may take new work. */
  public boolean isAvailable() {
    return health == Health.UP && adminState == AdminState.ACTIVE;
  }

  /** Ticker time after which a DRAINING backend's sticky clients move; meaningful only when DRAINING. */
  public long drainDeadlineNanos() {
    return drainDeadlineNanos;
  }

  /** Ticker time of the last transition to UP (or of joining UP). */
  public long upSinceNanos() {
    return upSinceNanos;
  }

  /** Exchanges currently holding a lease on this backend. Live: read at call time. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * The weight after slow start: ramps linearly from {@code floor * weight} at the moment the backend went
   * UP to its full weight at the end of the slow-start window; the full weight when slow start is off.
   */
  public double effectiveWeight(long nowNanos) {
    int w = backend.weight();
    if (slowStartNanos <= 0) {
      return w;
    }
    long elapsed = nowNanos - upSinceNanos;
    if (elapsed >= slowStartNanos) {
      return w;
    }
    double share = slowStartFloor + (1.0 - slowStartFloor) * Math.max(0L, elapsed) / (double) slowStartNanos;
    return w * share;
  }

  /** True while this backend is inside its slow-start window. */
  public boolean isRampingUp(long nowNanos) {
    return slowStartNanos > 0 && nowNanos - upSinceNanos < slowStartNanos;
  }

  /** Ticker time at which the slow-start ramp ends (equal to {@link #upSinceNanos()} when it is off). */
  public long rampEndsAtNanos() {
    return upSinceNanos + Math.max(0L, slowStartNanos);
  }

  /** The shared, preallocated {@link Pick} of this backend without a cookie. */
  public Pick asPick() {
    return pick;
  }

  @Override
  public String toString() {
    return backend.id() + "[" + health + "," + adminState + ",inFlight=" + inFlight.get() + "]";
  }
}
