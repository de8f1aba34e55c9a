package dev.loadstone.lb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Backends and their live state. Every change (add, remove, health, admin state, weight) publishes a new
 * immutable {@link PoolSnapshot} together with a balancer built over it, through one atomic reference;
 * {@link #acquire(PickRequest)} reads that reference and takes no lock. Writers are serialized.
 *
 * <p>While a backend ramps up (slow start), the balancer is rebuilt from time to time on the pick path
 * (at most every {@code window / 20}, lock-free: the first picker to see it due builds and publishes a fresh
 * one while the others keep using the current one). Such a refresh keeps the snapshot's version (nothing
 * changed but the time) and notifies no listener.
 *
 * <p>Listeners are called after each change, outside the pool's lock, exactly once per published version
 * and in version order, with that change's previous and new snapshot. The writer whose change it was
 * delivers it, unless another writer is delivering at that moment: then that one delivers it, so a
 * listener may run on the thread of a concurrent change.
 */
public final class BackendPool {
  private static final int RAMP_STEPS = 20;
  private static final long MIN_RAMP_REFRESH_NANOS = 10_000_000L; // 10 ms

  /** The published state: a snapshot and the balancer built over it. */
  private static final class Current {
    final PoolSnapshot snapshot;
    final Balancer balancer;
    final long refreshAtNanos; // Long.MAX_VALUE when no ramp is in progress
    final AtomicBoolean refreshClaimed = new AtomicBoolean();

    Current(PoolSnapshot snapshot, Balancer balancer, long refreshAtNanos) {
      this.snapshot = snapshot;
      this.balancer = balancer;
      this.refreshAtNanos = refreshAtNanos;
    }
  }


  private final Ticker ticker;
  private final Balancer.Factory balancerFactory;
  private final long slowStartNanos;
  private final double slowStartFloor;
  private final PoolChanges changes = new PoolChanges();
  private final AtomicReference<Current> current = new AtomicReference<>();
  private final Map<String, PoolSlot> slots = new LinkedHashMap<>(); // guarded by this
  private long version; // guarded by this
  private volatile java.util.function.Consumer<BackendState> releaseHook;

  BackendPool(BackendPoolBuilder b) {
    this.ticker = b.ticker;
    this.balancerFactory = b.balancer;
    this.slowStartNanos = b.slowStart.toNanos();
    this.slowStartFloor = b.slowStartFloor;
    synchronized (this) {
      publish();
    }
  }

  public static BackendPoolBuilder builder() {
    return new BackendPoolBuilder();
  }

  // ------------------------------------------------------------------ hot path

  /**
   * Picks a backend and counts the exchange in its in-flight number. Never blocks and never throws; when no
   * backend is available the lease {@link Lease#isEmpty() is empty} and says why.
   */
  public Lease acquire(PickRequest request) {
    Pick pick = pick(request);
    if (!pick.isEmpty()) {
      pick.state().inFlight.incrementAndGet();
    }
    return new Lease(this, pick);
  }

  /** Picks without taking a lease (for previews and benchmarks); prefer {@link #acquire}. */
  public Pick pick(PickRequest request) {
    Current c = current.get();
    if (c.refreshAtNanos != Long.MAX_VALUE) {
      c = refreshRampIfDue(c);
    }
    try {
      Pick p = c.balancer.pick(request == null ? PickRequest.EMPTY : request);
      return p == null ? Pick.none() : p;
    } catch (RuntimeException e) {
      return Pick.none("balancer failed: " + e);
    }
  }

  /**
   * Runs {@code hook} after every release of a lease, on the releasing thread (a queue of exchanges waiting
   * for a backend below its connection limit wakes its next waiter there). It must be cheap and must not
   * block; null removes it.
   */
  public void onRelease(java.util.function.Consumer<BackendState> hook) {
    releaseHook = hook;
  }

  void released(BackendState state) {
    java.util.function.Consumer<BackendState> hook = releaseHook;
    releasedCount(state);
    if (hook != null) {
      hook.accept(state); // after the count went down: the hook sees the backend's in-flight number without it
    }
  }

  private void releasedCount(BackendState state) {
    int left = state.inFlight.decrementAndGet();
    if (left < 0) {
      // Cannot happen through Lease (release is idempotent); repair rather than go negative.
      state.inFlight.compareAndSet(left, 0);
      left = 0;
    }
    if (left == 0) {
      PoolSlot s;
      synchronized (this) {
        s = slots.get(state.id());
        // The same slot (not a backend re-added under the same id), waiting to be removed, still idle.
        if (s == null || s.removal == null || s.inFlight != state.inFlight || s.inFlight.get() != 0) {
          return;
        }
        removeLocked(s);
      }
      changes.deliver();
      s.removal.complete(null);
    }
  }

  private Current refreshRampIfDue(Current c) {
    long now = ticker.read();
    if (now < c.refreshAtNanos || !c.refreshClaimed.compareAndSet(false, true)) {
      return c;
    }
    Current fresh = build(c.snapshot.version(), c.snapshot.all(), now);
    return current.compareAndSet(c, fresh) ? fresh : current.get();
  }

  // ------------------------------------------------------------------ reads

  public PoolSnapshot snapshot() {
    return current.get().snapshot;
  }

  public Ticker ticker() {
    return ticker;
  }

  public void addListener(PoolListener listener) {
    changes.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(PoolListener listener) {
    changes.remove(listener);
  }

  // ------------------------------------------------------------------ changes

  /** Adds a backend with the given initial health. Fails if its id (or address) is already in the pool. */
  public void add(Backend backend, Health initialHealth) {
    Objects.requireNonNull(backend, "backend");
    addAll(List.of(backend), initialHealth);
  }

  /**
   * Adds several backends at once (one snapshot); fails without changing anything if any id or address
   * repeats, within the list or with a backend already in the pool.
   */
  public void addAll(List<Backend> backends, Health initialHealth) {
    Objects.requireNonNull(backends, "backends");
    Objects.requireNonNull(initialHealth, "initialHealth");
    Map<String, Backend> seen = new LinkedHashMap<>();
    Map<String, Backend> seenAddresses = new LinkedHashMap<>();
    for (Backend b : backends) {
      Objects.requireNonNull(b, "backend");
      if (seen.put(b.id(), b) != null) {
        throw new IllegalArgumentException("backend id: '" + b.id() + "' (expected: unique ids; it appears twice)");
      }
      Backend other = seenAddresses.put(b.address(), b);
      if (other != null) {
        throw new IllegalArgumentException(
            "address: '" + b.address() + "' (expected: unique addresses; backends '" + other.id() + "' and '"
                + b.id() + "' both have it)");
      }
    }
    synchronized (this) {
      for (Backend b : backends) {
        if (slots.containsKey(b.id())) {
          throw new IllegalArgumentException("backend id: '" + b.id() + "' (expected: an id not already in the pool)");
        }
      }
      for (PoolSlot s : slots.values()) {
        Backend b = seenAddresses.get(s.backend.address());
        if (b != null) {
          throw new IllegalArgumentException(
              "address: '" + b.address() + "' (expected: an address not already in the pool; backend '"
                  + s.backend.id() + "' has it)");
        }
      }
      long now = ticker.read();
      for (Backend b : backends) {
        PoolSlot s = new PoolSlot();
        s.backend = b;
        s.health = initialHealth;
        s.adminState = AdminState.ACTIVE;
        s.upSinceNanos = now;
        slots.put(b.id(), s);
      }
      publish();
    }
    changes.deliver();
  }

  /** Removes a backend at once; its leases still release cleanly. Returns false if the id is unknown. */
  public boolean remove(String id) {
    PoolSlot s;
    synchronized (this) {
      s = slots.get(id);
      if (s == null) {
        return false;
      }
      removeLocked(s);
    }
    changes.deliver();
    if (s.removal != null) {
      s.removal.complete(null);
    }
    return true;
  }

  private void removeLocked(PoolSlot s) {
    slots.remove(s.backend.id());
    publish();
  }

  /**
   * Drains the backend (if it is not already draining) and removes it as soon as its in-flight count is 0.
   * The returned future completes when it is removed (by this or by {@link #remove}); callers enforce a
   * drain timeout by calling {@link #remove} when it passes. {@link #setAdminState} before then cancels the
   * removal (the future completes with a {@link CancellationException}) and keeps the backend.
   */
  public CompletableFuture<Void> removeWhenIdle(String id, Duration drainTimeout) {
    checkDeadline(drainTimeout);
    CompletableFuture<Void> f;
    boolean removed = false;
    synchronized (this) {
      PoolSlot s = requireSlot(id);
      if (s.removal == null) {
        s.removal = new CompletableFuture<>();
      }
      f = s.removal;
      if (s.adminState != AdminState.DRAINING) {
        s.adminState = AdminState.DRAINING;
        s.drainDeadlineNanos = ticker.read() + drainTimeout.toNanos();
        publish();
      }
      if (s.inFlight.get() == 0) {
        removeLocked(s);
        removed = true;
      }
    }
    changes.deliver();
    if (removed) {
      f.complete(null);
    }
    return f;
  }

  /** Sets health; a DOWN to UP transition restarts the backend's slow-start ramp. Unknown id: exception. */
  public void setHealth(String id, Health health) {
    Objects.requireNonNull(health, "health");
    synchronized (this) {
      PoolSlot s = requireSlot(id);
      if (s.health == health) {
        return;
      }
      s.health = health;
      if (health == Health.UP) {
        s.upSinceNanos = ticker.read();
      }
      publish();
    }
    changes.deliver();
  }

  /**
   * ACTIVE or MAINTENANCE; use {@link #drain} for DRAINING (it needs a deadline). Cancels a pending
   * {@link #removeWhenIdle} of this backend (the operator changed their mind, e.g. enabled it again after
   * a delete): the backend stays in the pool in the given state and the removal's future completes
   * exceptionally with a {@link CancellationException} naming the backend and the new state.
   */
  public void setAdminState(String id, AdminState state) {
    Objects.requireNonNull(state, "adminState");
    if (state == AdminState.DRAINING) {
      throw new IllegalArgumentException("adminState: DRAINING (expected: ACTIVE or MAINTENANCE; use drain(id, timeout))");
    }
    CompletableFuture<Void> cancelled;
    synchronized (this) {
      PoolSlot s = requireSlot(id);
      cancelled = s.removal;
      s.removal = null;
      if (s.adminState == state) {
        return; // cannot have a pending removal: removeWhenIdle leaves it DRAINING
      }
      s.adminState = state;
      publish();
    }
    changes.deliver();
    if (cancelled != null) {
      cancelled.completeExceptionally(
          new CancellationException("removal of backend '" + id + "' cancelled: adminState set to " + state));
    }
  }

  /** No new work; sticky clients stay until {@code now + deadline} (unless the sticky policy moves them). */
  public void drain(String id, Duration deadline) {
    checkDeadline(deadline);
    synchronized (this) {
      PoolSlot s = requireSlot(id);
      if (s.adminState == AdminState.DRAINING) {
        return;
      }
      s.adminState = AdminState.DRAINING;
      s.drainDeadlineNanos = ticker.read() + deadline.toNanos();
      publish();
    }
    changes.deliver();
  }

  public void setWeight(String id, int weight) {
    synchronized (this) {
      PoolSlot s = requireSlot(id);
      Backend.checkWeight(weight);
      if (s.backend.weight() == weight) {
        return;
      }
      s.backend = s.backend.withWeight(weight);
      publish();
    }
    changes.deliver();
  }

  private static void checkDeadline(Duration deadline) {
    if (deadline == null || deadline.isNegative()) {
      throw new IllegalArgumentException("drain deadline: " + deadline + " (expected: >= 0)");
    }
  }

  private PoolSlot requireSlot(String id) {
    PoolSlot s = slots.get(id);
    if (s == null) {
      throw new IllegalArgumentException("backend id: '" + id + "' (expected: a backend in the pool)");
    }
    return s;
  }

  /** Builds and publishes a new snapshot from the slots and queues the change. Caller holds the monitor. */
  private void publish() {
    List<BackendState> states = new ArrayList<>(slots.size());
    for (PoolSlot s : slots.values()) {
      states.add(
          new BackendState(
              s.backend, s.health, s.adminState, s.drainDeadlineNanos, s.upSinceNanos, slowStartNanos,
              slowStartFloor, s.inFlight));
    }
    Current prev = current.get();
    Current next = build(++version, states, ticker.read());
    current.set(next);
    if (prev != null) {
      changes.queue(prev.snapshot, next.snapshot);
    }
  }

  private Current build(long v, List<BackendState> states, long now) {
    PoolSnapshot snap = new PoolSnapshot(v, ticker, states, now);
    Balancer balancer = balancerFactory.create(snap);
    long refreshAt = Long.MAX_VALUE;
    if (snap.isRampingUp(now)) {
      long step = Math.max(MIN_RAMP_REFRESH_NANOS, slowStartNanos / RAMP_STEPS);
      refreshAt = Math.min(now + step, snap.rampEndsAtNanos());
    }
    return new Current(snap, balancer, refreshAt);
  }


}
