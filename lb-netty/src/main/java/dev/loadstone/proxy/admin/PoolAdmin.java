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
 *
 * <p>Ownership: every backend has a {@link Source}. The configuration owns the backends it lists ({@code
 * file}: the ones in the pool when this object is created, and every one a reload lists); the admin API owns
 * the ones it added ({@code api}). A reload adds, drains and removes only backends the file owns, so an
 * autoscaler's POSTs survive it; a backend the file lists again becomes the file's. A weight set through the
 * API stays until the file changes that backend's weight (as HAProxy's server-state file keeps a runtime
 * weight unless the configuration's changed); admin states (drain, maintenance) are never touched by a reload.
 */
public final class PoolAdmin {
  private static final Logger log = LoggerFactory.getLogger(PoolAdmin.class);

  private final BackendPool pool;
  private final ScheduledExecutorService timer;
  private final Map<String, CompletableFuture<Void>> removals = new LinkedHashMap<>(); // guarded by this
  private final Map<String, AdminState> stateBeforeRemoval = new LinkedHashMap<>(); // guarded by this
  private final Map<String, Source> sources = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Integer> fileWeights = new LinkedHashMap<>(); // as the file last said; guarded by this
  private volatile Duration drainTimeout;
  private final Map<String, java.time.Instant> changed = new java.util.concurrent.ConcurrentHashMap<>();

  /** Who put a backend in the pool, as the API shows it: {@code file}, {@code api} (or {@code dns}, for discovery). */
  public enum Source {
    FILE,
    API,
    DNS;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

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
    for (BackendState s : pool.snapshot().all()) { // the configured backends
      sources.put(s.id(), Source.FILE);
      fileWeights.put(s.id(), s.weight());
    }
  }

  /**
   * Who owns this backend: {@link Source#API} for one {@link #add} added, else the configuration's (also one an
   * embedding program put into the pool directly, as the configured ones are).
   */
  public Source source(String id) {
    return sources.getOrDefault(id, Source.FILE);
  }

  /** When the admin state, weight or membership of this backend last changed through this class, or null. */
  public java.time.Instant changedAt(String id) {
    return changed.get(id);
  }

  private void changed(String id) {
    changed.put(id, java.time.Instant.now());
  }

  /** Changes the drain timeout of later removals and drains (a reload of {@code drain-timeout}). */
  public void drainTimeout(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("drain timeout: " + d + " (expected: >= 0)");
    }
    drainTimeout = d;
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
    sources.put(b.id(), Source.API);
    changed(b.id());
    log.info("{} added ({}, weight {}): DOWN until it passes its health checks", b.id(), b.address(), b.weight());
    return b;
  }

  /**
   * Puts a backend that discovery found into the pool, owned by {@link Source#DNS}: added DOWN (it takes traffic
   * once its health checks pass, and ramps up when the pool has slow start), or, when it is already draining
   * towards removal, kept (the removal cancelled); a weight change is applied. Returns false, changing nothing,
   * when another owner (the file or the admin API) has this id or address: discovery never takes a backend over.
   */
  public synchronized boolean putDiscovered(Backend b) {
    BackendState s = pool.snapshot().get(b.id());
    if (s != null && (source(b.id()) != Source.DNS || !s.backend().address().equals(b.address()))) {
      return false;
    }
    if (s == null) {
      for (BackendState o : pool.snapshot().all()) {
        if (o.backend().address().equals(b.address())) {
          return false;
        }
      }
      pool.add(b, Health.DOWN);
      sources.put(b.id(), Source.DNS);
      changed(b.id());
      log.info("{} discovered (weight {}): DOWN until it passes its health checks", b.id(), b.weight());
      return true;
    }
    if (isBeingRemoved(b.id()) && !keep(b.id())) {
      pool.add(b, Health.DOWN); // its last exchange ended just now and took it out
      sources.put(b.id(), Source.DNS);
      return true;
    }
    if (s.weight() != b.weight()) {
      setWeight(b.id(), b.weight());
    }
    return true;
  }

  public void drain(String id) {
    pool.drain(id, drainTimeout);
    changed(id);
    log.info("{} draining", id);
  }

  public void enable(String id) {
    pool.setAdminState(id, AdminState.ACTIVE);
    changed(id);
    log.info("{} enabled", id);
  }

  public void maintenance(String id) {
    pool.setAdminState(id, AdminState.MAINTENANCE);
    changed(id);
    log.info("{} in maintenance", id);
  }

  public void setWeight(String id, int weight) {
    pool.setWeight(id, weight);
    changed(id);
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
    Duration timeout = drainTimeout;
    CompletableFuture<Void> f = pool.removeWhenIdle(id, timeout);
    removals.put(id, f);
    changed(id);
    if (before != null) {
      stateBeforeRemoval.put(id, before.adminState());
    }
    if (!f.isDone()) {
      log.info("{} draining before removal (at most {})", id, timeout);
      timer.schedule(() -> {
        if (!f.isDone()) {
          BackendState s = pool.snapshot().get(id);
          log.warn("{} removed after its drain timeout of {} with {} exchanges still in flight", id, timeout,
              s == null ? 0 : s.inFlight());
          pool.remove(id);
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    f.whenComplete((v, e) -> {
      if (e == null) {
        log.info("{} removed", id);
        if (pool.snapshot().get(id) == null) {
          sources.remove(id);
          changed.remove(id);
        }
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
    /** Backends the admin API added that the file does not list: a reload leaves them alone. */
    public final List<String> fromApi = new ArrayList<>();

    public boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && reweighted.isEmpty() && kept.isEmpty();
    }

    @Override
    public String toString() {
      return "added " + added + ", removing " + removed + ", reweighted " + reweighted + ", removal cancelled " + kept
          + ", kept from the admin API " + fromApi;
    }
  }

  /**
   * Makes the file's backends match {@code desired} (the file's new list): new ids are added DOWN (until
   * checked), file-owned ones it no longer lists are drained and removed, and a weight the file changed is
   * applied (a weight it did not change keeps what the admin API set). Backends the admin API added and the
   * file does not list stay as they are; one the file lists becomes the file's. A listed backend that is still
   * draining towards removal (a reload dropped it, or DELETE) stays, its removal cancelled and its admin state
   * as it was before the removal (ACTIVE, MAINTENANCE, or DRAINING again); everything else keeps its state.
   * Validates first and changes nothing when a backend keeps its id but changes its address (that needs a new
   * id), or when an id repeats.
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
      if (want.containsKey(s.id()) || isBeingRemoved(s.id())) {
        continue;
      }
      if (source(s.id()) == Source.FILE) {
        remove(s.id());
        diff.removed.add(s.id());
      } else {
        diff.fromApi.add(s.id());
      }
    }
    for (Backend b : want.values()) {
      BackendState s = now.get(b.id());
      boolean wasFiles = source(b.id()) == Source.FILE;
      Integer fileSaid = fileWeights.get(b.id());
      sources.put(b.id(), Source.FILE);
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
      boolean fileChangedIt = !wasFiles || fileSaid == null || fileSaid != b.weight();
      if (fileChangedIt && s.weight() != b.weight()) {
        pool.setWeight(b.id(), b.weight());
        diff.reweighted.add(b.id());
      }
    }
    fileWeights.clear();
    want.values().forEach(b -> fileWeights.put(b.id(), b.weight()));
    return diff;
  }
}
