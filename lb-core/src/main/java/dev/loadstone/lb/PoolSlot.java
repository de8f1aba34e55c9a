package dev.loadstone.lb;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Mutable per-backend bookkeeping that outlives snapshots. Guarded by its {@link BackendPool}'s monitor except inFlight. */
final class PoolSlot {
  Backend backend;
  Health health;
  AdminState adminState;
  long drainDeadlineNanos;
  long upSinceNanos;
  final AtomicInteger inFlight = new AtomicInteger();
  CompletableFuture<Void> removal; // set by removeWhenIdle
}
