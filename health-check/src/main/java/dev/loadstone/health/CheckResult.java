package dev.loadstone.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one active check: whether it passed, a short human-readable detail ({@code "status 200"},
 * {@code "connect refused"}, {@code "timeout after 1s"}), how long it took and when it finished.
 */
public record CheckResult(boolean passed, String detail, Duration took, Instant at) {
  public CheckResult {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(took, "took");
    Objects.requireNonNull(at, "at");
  }

  public static CheckResult pass(String detail, Duration took, Instant at) {
    return new CheckResult(true, detail, took, at);
  }

  public static CheckResult fail(String detail, Duration took, Instant at) {
    return new CheckResult(false, detail, took, at);
  }
}
