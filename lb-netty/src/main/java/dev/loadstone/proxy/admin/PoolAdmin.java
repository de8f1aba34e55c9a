package dev.loadstone.proxy.admin;

import dev.loadstone.lb.AdminState;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.PoolSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live changes to the backend pool, shared by the admin API and config reload: add (DOWN until the health
 * checker has seen it pass {@code rise} checks), drain, enable, maintenance, reweight, and remove (drain,
 * then remove once in-flight reaches 0 or the drain timeout passes). Reload applies a new backend list as a
 * diff, so unchanged backends keep their health, admin state and connections.
 */
public final class PoolAdmin {
  private static final Logger log = LoggerFactory.getLogger(PoolAdmin.class);

  private final BackendPool pool;
  private final Duration drainTimeout;
  private final ScheduledExecutorService timer;
  private final Map<String, CompletableFuture<Void>> removals = new LinkedHashMap<>(); // guarded by this
  private final Map<String, AdminState> stateBeforeRemoval = new LinkedHashMap<>(); // guarded by this

  /**
   * @param timer runs the drain-timeout removals (e.g. an event loop); never blocked by this class
   */
  public PoolAdmin(BackendPool pool, Duration drainTimeout, ScheduledExecutorService timer) {
    this.pool = Objects.requireNonNull(pool, "pool");
    if (drainTimeout == null || drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drain timeout: " + drainTimeout + " (expected: >= 0)");
    }
    this.drainTimeout = drainTimeout;
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  public BackendPool pool() {
    return pool;
  }

  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** Whether a backend with this id is in the pool. */
  public boolean contains(String id) {
    return pool.snapshot().get(id) != null;
  }

  /** True while the backend is draining towards removal. */
  public synchronized boolean isBeingRemoved(String id) {
    CompletableFuture<Void> f = removals.get(id);
    return f != null && !f.isDone();
  }

  /** Adds a backend DOWN; it takes traffic once its health checks pass. Throws with a message naming the field. */
  public Backend add(String id, String address, int weight) {
    Backend b = Backend.of(id, address, weight);
    pool.add(b, Health.DOWN);
    log.info("{} added ({}, weight {}): DOWN until it passes its health checks", b.id(), b.address(), b.weight());
    return b;
  }

  public void drain(String id) {
    pool.drain(id, drainTimeout);
    log.info("{} draining", id);
  }

  public void enable(String id) {
    pool.setAdminState(id, AdminState.ACTIVE);
    log.info("{} enabled", id);
  }

  public void maintenance(String id) {
    pool.setAdminState(id, AdminState.MAINTENANCE);
    log.info("{} in maintenance", id);
  }

  public void setWeight(String id, int weight) {
    pool.setWeight(id, weight);
    log.info("{} weight {}", id, weight);
  }

  /**
   * Drains the backend and removes it once its in-flight count reaches 0, or when the drain timeout passes
   * (whichever comes first). The future completes when it is gone.
   */
  public synchronized CompletableFuture<Void> remove(String id) {
    CompletableFuture<Void> pending = removals.get(id);
    if (pending != null && !pending.isDone()) {
      return pending;
    }
    BackendState before = pool.snapshot().get(id);
    CompletableFuture<Void> f = pool.removeWhenIdle(id, drainTimeout);
    removals.put(id, f);
    if (before != null) {
      stateBeforeRemoval.put(id, before.adminState());
    }
    if (!f.isDone()) {
      log.info("{} draining before removal (at most {})", id, drainTimeout);
      timer.schedule(() -> {
        if (!f.isDone()) {
          BackendState s = pool.snapshot().get(id);
          log.warn("{} removed after its drain timeout of {} with {} exchanges still in flight", id, drainTimeout,
              s == null ? 0 : s.inFlight());
          pool.remove(id);
        }
      }, drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    f.whenComplete((v, e) -> {
      if (e == null) {
        log.info("{} removed", id);
      } else {
        log.info("{} stays: {}", id, e.getMessage()); // enable or maintenance cancelled the removal
      }
      synchronized (PoolAdmin.this) {
        if (removals.remove(id, f)) {
          stateBeforeRemoval.remove(id);
        }
      }
    });
    return f;
  }

  /** Cancels a pending removal and restores the admin state the backend had before it; false if it is gone. */
  private boolean keep(String id) {
    AdminState before = stateBeforeRemoval.getOrDefault(id, AdminState.ACTIVE);
    try {
      pool.setAdminState(id, before == AdminState.MAINTENANCE ? AdminState.MAINTENANCE : AdminState.ACTIVE); // cancels
    } catch (IllegalArgumentException gone) {
      return false;
    }
    if (before == AdminState.DRAINING) {
      pool.drain(id, drainTimeout); // an operator had drained it before the removal
    }
    log.info("{} is listed again: removal cancelled, {}", id, before);
    return true;
  }

  /** What {@link #apply} changed. */
  public static final class Diff {
    public final List<String> added = new ArrayList<>();
    public final List<String> removed = new ArrayList<>();
    public final List<String> reweighted = new ArrayList<>();
    /** Backends that were draining towards removal and are listed again: the removal was cancelled. */
    public final List<String> kept = new ArrayList<>();

    public boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && reweighted.isEmpty() && kept.isEmpty();
    }

    @Override
    public String toString() {
      return "added " + added + ", removing " + removed + ", reweighted " + reweighted + ", removal cancelled " + kept;
    }
  }

  /**
   * Makes the pool's membership match {@code desired}: new ids are added DOWN (until checked), missing ones
   * drained and removed, changed weights updated; a listed backend that is still draining towards removal
   * (a reload dropped it, or DELETE) stays, its removal cancelled and its admin state as it was before the
   * removal (ACTIVE, MAINTENANCE, or DRAINING again); everything else keeps its state. Validates first and
   * changes nothing when a backend keeps its id but changes its address (that needs a new id), or when an
   * id repeats.
   */
  public synchronized Diff apply(List<Backend> desired) {
    Map<String, Backend> want = new LinkedHashMap<>();
    for (Backend b : desired) {
      if (want.put(b.id(), b) != null) {
        throw new IllegalArgumentException("backend id: '" + b.id() + "' (expected: unique ids; it appears twice)");
      }
    }
    PoolSnapshot now = pool.snapshot();
    for (Backend b : want.values()) {
      BackendState s = now.get(b.id());
      if (s != null && !s.backend().address().equals(b.address())) {
        throw new IllegalArgumentException("backend '" + b.id() + "' address: '" + b.address()
            + "' (expected: its current address " + s.backend().address() + "; give a new address a new id)");
      }
      if (s == null) {
        for (BackendState o : now.all()) {
          if (o.backend().address().equals(b.address())) {
            throw new IllegalArgumentException("backend '" + b.id() + "' address: '" + b.address()
                + "' (expected: an address no other backend in the pool has; '" + o.id() + "' has it)");
          }
        }
      }
    }
    Diff diff = new Diff();
    for (BackendState s : now.all()) {
      if (!want.containsKey(s.id()) && !isBeingRemoved(s.id())) {
        remove(s.id());
        diff.removed.add(s.id());
      }
    }
    for (Backend b : want.values()) {
      BackendState s = now.get(b.id());
      if (s == null) {
        pool.add(b, Health.DOWN);
        diff.added.add(b.id());
        continue;
      }
      if (isBeingRemoved(b.id())) {
        if (!keep(b.id())) { // its last exchange ended just now and took it out of the pool
          pool.add(b, Health.DOWN);
          diff.added.add(b.id());
          continue;
        }
        diff.kept.add(b.id());
      }
      if (s.weight() != b.weight()) {
        pool.setWeight(b.id(), b.weight());
        diff.reweighted.add(b.id());
      }
    }
    return diff;
  }
}
