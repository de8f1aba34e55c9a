package dev.loadstone.proxy.admin;

/**
 * Waits for a quiet period after the last of a burst of changes: a file written in several chunks, or
 * replaced by create-and-rename, is acted on once, when nothing changed for {@code quietNanos}. Pure state over
 * explicit times, so the watcher thread drives it with a {@code Ticker} and tests drive it with numbers.
 * Not thread-safe: one thread owns it.
 */
final class Debounce {
  private final long quietNanos;
  private boolean pending;
  private long dueAt;

  Debounce(long quietNanos) {
    if (quietNanos < 0) {
      throw new IllegalArgumentException("quiet period: " + quietNanos + " ns (expected: >= 0)");
    }
    this.quietNanos = quietNanos;
  }

  /** A change at {@code now}: the action is due {@code quietNanos} after the last change. */
  void changed(long now) {
    pending = true;
    dueAt = now + quietNanos;
  }

  /** How long until the action is due (0 if it is), or {@link Long#MAX_VALUE} when nothing is pending. */
  long nanosUntilDue(long now) {
    return pending ? Math.max(0, dueAt - now) : Long.MAX_VALUE;
  }

  /** True once when the action is due at {@code now}; then nothing is pending until the next change. */
  boolean takeDue(long now) {
    if (pending && now - dueAt >= 0) {
      pending = false;
      return true;
    }
    return false;
  }
}
