package dev.loadstone.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The zero-setup store for a single node: sessions as {@link SessionData} snapshots in a Caffeine cache with a
 * per-entry expiry equal to the remaining idle/absolute time (Caffeine's variable expiration, a hierarchical
 * timer wheel) and a maximum size. Same semantics as the Redis store: saves merge attribute deltas atomically
 * per session ({@code compute}), never resurrect a deleted session, and an id change leaves the old id
 * pointing at the new one for a grace period.
 */
public final class InMemorySessionStore implements SessionStore {
  /** A stored session, or a tombstone saying the session moved to {@code movedTo} until {@code until}. */
  private record Entry(SessionData data, String movedTo, Instant until) {}

  private final SessionFactory factory;
  private final Cache<String, Entry> cache;
  private final Duration movedGracePeriod;

  private InMemorySessionStore(Builder b) {
    this.factory = b.factory != null ? b.factory : SessionFactory.defaults();
    this.movedGracePeriod = b.movedGracePeriod != null ? b.movedGracePeriod : Duration.ofSeconds(10);
    Clock clock = factory.clock();
    this.cache = Caffeine.newBuilder()
        .maximumSize(b.maximumSize != null ? b.maximumSize : 100_000)
        .ticker(() -> {
          Instant now = clock.instant();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        })
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String key, Entry entry, long currentTime) {
            return remainingNanos(entry, clock.instant());
          }

          @Override
          public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
            return remainingNanos(entry, clock.instant());
          }

          @Override
          public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  private static long remainingNanos(Entry entry, Instant now) {
    Instant end = entry.data != null ? entry.data.expiresAt() : entry.until;
    return Math.max(0, Duration.between(now, end).toNanos());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The number of live entries (sessions plus moved tombstones); for tests and metrics. */
  public long estimatedSize() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  @Override
  public CompletionStage<Session> create() {
    return CompletableFuture.completedFuture(factory.create());
  }

  @Override
  public CompletionStage<Optional<Session>> load(String handle) {
    if (!SessionIds.isWellFormed(handle)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Instant now = factory.clock().instant();
    String id = handle;
    for (int hop = 0; hop < 4; hop++) {
      Entry entry = cache.getIfPresent(id);
      if (entry == null) {
        break;
      }
      if (entry.data == null) {
        if (!now.isBefore(entry.until)) {
          break;
        }
        id = entry.movedTo;
        continue;
      }
      if (entry.data.isExpired(now)) {
        cache.asMap().remove(id, entry);
        break;
      }
      return CompletableFuture.completedFuture(Optional.of(factory.open(entry.data)));
    }
    return CompletableFuture.completedFuture(Optional.empty());
  }

  @Override
  public CompletionStage<String> save(Session session) {
    TrackedSession tracked = tracked(session);
    SessionChanges changes = tracked.changes();
    if (changes.isEmpty()) {
      return CompletableFuture.completedFuture(tracked.id());
    }
    Instant now = factory.clock().instant();
    String id = tracked.id();
    for (int hop = 0; hop < 4; hop++) {
      SessionData[] result = new SessionData[1];
      String[] movedTo = new String[1];
      String key = id;
      cache.asMap().compute(key, (k, current) -> {
        if (changes.isNew() && current == null) {
          result[0] = changes.after().withId(k);
          return new Entry(result[0], null, null);
        }
        if (current == null || changes.isNew()) {
          return current; // deleted or expired meanwhile: never resurrect
        }
        if (current.data == null) {
          movedTo[0] = now.isBefore(current.until) ? current.movedTo : null;
          return current;
        }
        result[0] = merge(current.data, changes);
        return new Entry(result[0], null, null);
      });
      if (result[0] != null) {
        if (!id.equals(tracked.id())) {
          tracked.moveTo(id);
        }
        tracked.markSaved(result[0]);
        return CompletableFuture.completedFuture(id);
      }
      if (movedTo[0] == null) {
        break;
      }
      id = movedTo[0];
    }
    return CompletableFuture.completedFuture(tracked.id());
  }

  /** Applies one request's deltas to the current snapshot: attribute by attribute, last writer wins. */
  static SessionData merge(SessionData current, SessionChanges changes) {
    Map<String, byte[]> attributes = new HashMap<>(current.attributes());
    attributes.keySet().removeAll(changes.removedAttributes());
    attributes.putAll(changes.setAttributes());
    Instant lastAccess = current.lastAccessedTime();
    if (changes.touchDue() && changes.after().lastAccessedTime().isAfter(lastAccess)) {
      lastAccess = changes.after().lastAccessedTime();
    }
    Duration idle = changes.idleTimeoutChanged() ? changes.after().idleTimeout() : current.idleTimeout();
    return new SessionData(current.id(), current.creationTime(), lastAccess, idle, current.absoluteTimeout(), attributes);
  }

  @Override
  public CompletionStage<Void> delete(String id) {
    if (!SessionIds.isWellFormed(id)) {
      return CompletableFuture.completedFuture(null);
    }
    String next = id;
    for (int hop = 0; hop < 4 && next != null; hop++) {
      Entry removed = cache.asMap().remove(next);
      next = removed != null && removed.data == null ? removed.movedTo : null; // an old id: delete where it led
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Session> changeId(Session session) {
    TrackedSession tracked = tracked(session);
    String oldId = tracked.id();
    String newId = factory.ids().next();
    Instant now = factory.clock().instant();
    if (tracked.isNew()) {
      tracked.moveTo(newId);
      return CompletableFuture.completedFuture(tracked);
    }
    SessionChanges changes = tracked.changes();
    SessionData[] moved = new SessionData[1];
    cache.asMap().compute(oldId, (k, current) -> {
      if (current == null || current.data == null) {
        return current;
      }
      moved[0] = merge(current.data, changes).withId(newId);
      return new Entry(null, newId, now.plus(movedGracePeriod));
    });
    if (moved[0] == null) {
      // Gone (or already moved): the session continues as a new one under the new id, like a fresh create.
      tracked.moveTo(newId);
      return CompletableFuture.completedFuture(tracked);
    }
    cache.put(newId, new Entry(moved[0], null, null));
    tracked.moveTo(newId);
    tracked.markSaved(moved[0]);
    return CompletableFuture.completedFuture(tracked);
  }

  @Override
  public void close() {
    cache.invalidateAll();
  }

  static TrackedSession tracked(Session session) {
    Objects.requireNonNull(session, "session");
    if (session instanceof TrackedSession t) {
      return t;
    }
    throw new IllegalArgumentException("session: " + session.getClass().getName()
        + " (expected: a session created or loaded by a Loadstone store)");
  }

  /** Builds an {@link InMemorySessionStore}; each option may be set once. */
  public static final class Builder {
    private SessionFactory factory;
    private Long maximumSize;
    private Duration movedGracePeriod;

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

    /** How long an old id keeps leading to the session after an id change; default 10 s. */
    public Builder movedGracePeriod(Duration movedGracePeriod) {
      if (this.movedGracePeriod != null) {
        throw new IllegalStateException("movedGracePeriod was already set");
      }
      SessionFactory.checkPositive("movedGracePeriod", movedGracePeriod);
      this.movedGracePeriod = movedGracePeriod;
      return this;
    }

    public InMemorySessionStore build() {
      return new InMemorySessionStore(this);
    }
  }
}
