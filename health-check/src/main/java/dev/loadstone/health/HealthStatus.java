package dev.loadstone.health;

import dev.loadstone.lb.Health;
import java.time.Instant;
import java.util.Objects;

/**
 * Why a backend has the health it has: the reason of its last transition (or of its start: {@code "joined UP
 * with the configuration"}), since when, and while passive outlier detection holds it out, until when. A
 * DOWN backend whose last check passed is ejected; {@link #ejectedUntil()} says when it may return (at the
 * first passing check after that instant).
 */
public record HealthStatus(Health health, String reason, Instant since, Instant ejectedUntil, int consecutiveFailures) {
  public HealthStatus {
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
  }

  /** True while the backend is ejected by outlier detection. */
  public boolean ejected() {
    return ejectedUntil != null;
  }
}
