package dev.loadstone.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.loadstone.session.spi.SessionEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@link InMemorySessionStore}; see there for the behaviour. */
final class DefaultInMemorySessionStore implements InMemorySessionStore {
  /**
   * A stored session, or a tombstone: the session moved to {@code movedTo}; until {@code until}, a save of a
   * request that loaded at most {@code movedVersion} goes there.
   */
  private record Entry(SessionData data, String movedTo, Instant until, long movedVersion) {
    static Entry of(SessionData data) {
      return new Entry(data, null, null, 0);
    }
  }

  private final SessionFactory factory;
  private final Cache<String, Entry> cache;
  private final Duration movedGracePeriod;
  private final SessionEvents events;
  private final AtomicInteger expiredReported = new AtomicInteger();
  private final InMemoryPrincipals principals = new InMemoryPrincipals();

  DefaultInMemorySessionStore(Builder b) {
    this.factory = b.factory != null ? b.factory : SessionFactory.defaults();
    this.movedGracePeriod = b.movedGracePeriod != null ? b.movedGracePeriod : Duration.ofSeconds(10);
    Clock clock = factory.clock();
    this.events = new SessionEvents("in-memory-sessions",
        b.expirySweepInterval != null ? b.expirySweepInterval : Duration.ofSeconds(10), this::cleanUp);
    this.cache = Caffeine.newBuilder()
        .maximumSize(b.maximumSize != null ? b.maximumSize : 100_000)
        .ticker(() -> {
          Instant now = clock.instant();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        })
        .executor(Runnable::run) // removal notifications on the thread that evicts: sweeps report synchronously
        .removalListener(this::removed)
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

  private void removed(String id, Entry entry, RemovalCause cause) {
    if (entry == null || entry.data == null || cause == RemovalCause.REPLACED || cause == RemovalCause.EXPLICIT) {
      return; // updates, tombstones, and removals this class makes (which keep the index themselves)
    }
    principals.unindex(entry.data.principal(), id);
    if (cause == RemovalCause.EXPIRED) {
      reportExpired(entry.data);
    }
  }

  private void reportExpired(SessionData data) {
    expiredReported.incrementAndGet();
    events.expired(factory.view(data));
  }

  private void cleanUp() {
    cache.cleanUp();
  }

  @Override
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
    Optional<SessionData> data = live(handle);
    return CompletableFuture.completedFuture(data.map(factory::open));
  }

  /** The stored session under {@code id}: never a tombstone's target (a moved-away id loads nothing). */
  private Optional<SessionData> live(String id) {
    if (!SessionIds.isWellFormed(id)) {
      return Optional.empty();
    }
    Entry entry = cache.getIfPresent(id);
    if (entry == null || entry.data == null) {
      return Optional.empty();
    }
    if (entry.data.isExpired(factory.clock().instant())) {
      if (cache.asMap().remove(id, entry)) { // whoever removes it reports it: once
        principals.unindex(entry.data.principal(), id);
        reportExpired(entry.data);
      }
      return Optional.empty();
    }
    return Optional.of(entry.data);
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
      String[] previousPrincipal = new String[1];
      String[] movedTo = new String[1];
      cache.asMap().compute(id, (k, current) -> {
        if (changes.isNew() && current == null) {
          result[0] = changes.after().withId(k).withVersion(1);
          return Entry.of(result[0]);
        }
        if (current == null || changes.isNew()) {
          return current; // deleted or expired meanwhile: never resurrect
        }
        if (current.data == null) {
          boolean loadedBeforeTheMove = changes.loadedVersion() <= current.movedVersion;
          movedTo[0] = now.isBefore(current.until) && loadedBeforeTheMove ? current.movedTo : null;
          return current;
        }
        previousPrincipal[0] = current.data.principal();
        result[0] = merge(current.data, changes);
        return Entry.of(result[0]);
      });
      if (result[0] != null) {
        principals.reindex(previousPrincipal[0], result[0].principal(), id, changes.isNew());
        boolean redirected = !id.equals(tracked.id());
        // A redirected request keeps its old id and the version it loaded: it may save again, and never learns
        // the new id (only the request that changed it sends that to its client).
        tracked.markSaved(redirected ? result[0].withVersion(tracked.version()) : result[0]);
        return CompletableFuture.completedFuture(tracked.id());
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
    String principal = changes.principalChanged() ? changes.after().principal() : current.principal();
    return new SessionData(current.id(), current.creationTime(), lastAccess, idle, current.absoluteTimeout(),
        attributes, current.version() + 1, principal);
  }

  @Override
  public CompletionStage<Void> delete(String id) {
    if (!SessionIds.isWellFormed(id)) {
      return CompletableFuture.completedFuture(null);
    }
    String next = id;
    for (int hop = 0; hop < 4 && next != null; hop++) {
      Entry removed = cache.asMap().remove(next);
      if (removed != null && removed.data != null) {
        principals.unindex(removed.data.principal(), next);
      }
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
    String[] previousPrincipal = new String[1];
    cache.asMap().compute(oldId, (k, current) -> {
      if (current == null || current.data == null) {
        return current;
      }
      previousPrincipal[0] = current.data.principal();
      moved[0] = merge(current.data, changes).withId(newId);
      Instant until = now.plus(movedGracePeriod);
      if (current.data.expiresAt().isBefore(until)) {
        until = current.data.expiresAt();
      }
      return new Entry(null, newId, until, current.data.version());
    });
    tracked.moveTo(newId);
    if (moved[0] == null) {
      return CompletableFuture.completedFuture(tracked); // gone meanwhile: nothing to move
    }
    cache.put(newId, Entry.of(moved[0]));
    principals.unindex(previousPrincipal[0], oldId);
    principals.reindex(null, moved[0].principal(), newId, true);
    tracked.markSaved(moved[0]);
    return CompletableFuture.completedFuture(tracked);
  }

  @Override
  public CompletionStage<List<Session>> findByPrincipal(String principalName) {
    List<Session> found = new ArrayList<>();
    for (String id : principals.ids(principalName)) {
      live(id).filter(d -> principalName.equals(d.principal())).ifPresent(d -> found.add(factory.open(d)));
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<Integer> invalidateAll(String principalName) {
    int n = 0;
    for (String id : principals.ids(principalName)) {
      Optional<SessionData> data = live(id).filter(d -> principalName.equals(d.principal()));
      if (data.isPresent() && cache.asMap().remove(id) != null) {
        principals.unindex(principalName, id);
        events.deleted(factory.view(data.get()));
        n++;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  // ---------------------------------------------------------------- events

  @Override
  public AutoCloseable addListener(SessionEventListener listener) {
    return events.add(listener);
  }

  @Override
  public CompletionStage<Integer> sweepExpired() {
    int before = expiredReported.get();
    cache.cleanUp();
    return CompletableFuture.completedFuture(expiredReported.get() - before);
  }

  @Override
  public void close() {
    events.close();
    cache.invalidateAll();
    principals.clear();
  }

  static TrackedSession tracked(Session session) {
    Objects.requireNonNull(session, "session");
    if (session instanceof TrackedSession t) {
      return t;
    }
    throw new IllegalArgumentException("session: " + session.getClass().getName()
        + " (expected: a session created or loaded by a Loadstone store)");
  }
}
