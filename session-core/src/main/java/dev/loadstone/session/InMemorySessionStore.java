package dev.loadstone.session;

import java.time.Duration;
import java.util.Objects;

/**
 * The zero-setup store for a single node: sessions as {@link SessionData} snapshots in a Caffeine cache with a
 * per-entry expiry equal to the remaining idle/absolute time (Caffeine's variable expiration, a hierarchical
 * timer wheel) and a maximum size. Same semantics as the Redis store: saves merge attribute deltas atomically
 * per session ({@code compute}), never resurrect a deleted session, an id change makes the old id load nothing
 * at once while requests that loaded before it still save into the moved session, sessions of a principal are
 * indexed, and an expired session is reported once to the {@link SessionEventListener}s (when Caffeine evicts
 * it, which a background sweep every {@link Builder#expirySweepInterval} makes happen, or when a load finds it
 * expired first).
 */
public interface InMemorySessionStore extends IndexedSessionStore {

  static Builder builder() {
    return new Builder();
  }

  /** The number of live entries (sessions plus moved tombstones); for tests and metrics. */
  long estimatedSize();

  /** Builds an {@link InMemorySessionStore}; each option may be set once. */
  final class Builder {
    SessionFactory factory;
    Long maximumSize;
    Duration movedGracePeriod;
    Duration expirySweepInterval;

    private Builder() {}

    /** Clock, ids, codec, timeouts and metrics; default {@link SessionFactory#defaults()}. */
    public Builder sessions(SessionFactory factory) {
      if (this.factory != null) {
        throw new IllegalStateException("sessions was already set");
      }
      this.factory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** At most this many sessions (least recently/frequently used go first); default 100 000. */
    public Builder maximumSize(long maximumSize) {
      if (this.maximumSize != null) {
        throw new IllegalStateException("maximumSize was already set");
      }
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize: " + maximumSize + " (expected: >= 1)");
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * How long, after an id change, a request that loaded the session under its old id can still save into it;
     * default 10 s. (The old id never loads anything after the change.)
     */
    public Builder movedGracePeriod(Duration movedGracePeriod) {
      if (this.movedGracePeriod != null) {
        throw new IllegalStateException("movedGracePeriod was already set");
      }
      SessionFactory.checkPositive("movedGracePeriod", movedGracePeriod);
      this.movedGracePeriod = movedGracePeriod;
      return this;
    }

    /** How often expired sessions are looked for while a listener is registered; default 10 s. */
    public Builder expirySweepInterval(Duration interval) {
      if (this.expirySweepInterval != null) {
        throw new IllegalStateException("expirySweepInterval was already set");
      }
      SessionFactory.checkPositive("expirySweepInterval", interval);
      this.expirySweepInterval = interval;
      return this;
    }

    public InMemorySessionStore build() {
      return new DefaultInMemorySessionStore(this);
    }
  }
}
