package dev.loadstone.lb.scaling;

import java.time.Instant;
import java.util.Objects;

/**
 * One backend's load over the advisor's last window: requests per second, in-flight now, the CPU it reports
 * (0..1, NaN when it does not), and when it joined the pool (scale-in removes the newest of the least loaded).
 */
public record BackendLoad(String id, double requestRate, int inFlight, double cpu, Instant joined) {
  public BackendLoad {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(joined, "joined");
  }
}
