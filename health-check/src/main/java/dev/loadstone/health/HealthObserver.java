package dev.loadstone.health;

import dev.loadstone.lb.Health;

/**
 * Sees every active check and every health transition (for metrics and status pages). Called on event-loop
 * or proxy threads: implementations must be quick and must not block. Both methods default to no-ops.
 */
public interface HealthObserver {
  /** One active check finished. */
  default void onCheck(String backendId, CheckResult result) {}

  /** The backend's combined health (active checks and outlier ejection) changed; {@code reason} says why. */
  default void onTransition(String backendId, Health health, String reason) {}

  /** An observer that ignores everything. */
  static HealthObserver none() {
    return new HealthObserver() {};
  }
}
