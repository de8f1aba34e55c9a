package dev.loadstone.session.redis;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionChanges;
import dev.loadstone.session.SessionEventListener;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionIds;
import dev.loadstone.session.TrackedSession;
import dev.loadstone.session.spi.SessionEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link RedisSessionStore}: the operations, over {@link RedisConnection} (connection and topology), {@link
 * SessionWrites} (the save and delete scripts), {@link IdChange}, {@link ExpirySweeper} and {@link Principals}.
 */
final class DefaultRedisSessionStore implements RedisSessionStore {
  private final SessionFactory factory;
  private final RedisConnection redis;
  private final Keys keys;
  private final NearCache nearCache;
  private final SessionWrites writes;
  private final IdChange idChange;
  private final SessionEvents events;
  private final ExpirySweeper sweeper;
  private final Principals principals;

  DefaultRedisSessionStore(RedisSessionStoreBuilder b) {
    this.factory = b.factory();
    this.keys = new Keys(b.keyPrefix(), b.cluster());
    this.redis = new RedisConnection(b.connection());
    this.nearCache = b.nearCacheSize() == null ? null
        : new NearCache(b.nearCacheSize(), b.nearCacheTtl(), b.tracking(), factory.meterRegistry(), keys);
    if (nearCache != null && nearCache.wantsTracking()) {
      redis.onConnect(c -> {
        nearCache.attach(c);
        return nearCache.enableTracking(c);
      });
    }
    this.writes = new SessionWrites(redis, keys, factory, nearCache, b.retention());
    this.idChange = new IdChange(redis, keys, writes, b.grace());
    ExpirySweeper[] holder = new ExpirySweeper[1];
    this.events = new SessionEvents("redis-sessions", b.sweepInterval(), () -> holder[0].tick());
    this.sweeper = holder[0] = new ExpirySweeper(redis, keys, factory, events, writes, b.sweepInterval());
    this.principals = new Principals(redis, keys, factory, writes, events);
  }

  @Override
  public boolean nearCacheTracking() {
    return nearCache != null && nearCache.trackingActive();
  }

  @Override
  public String keyOf(String sessionId) {
    return keys.session(sessionId);
  }

  /** Completes once connected (and, with a tracking near-cache, once tracking is on); fails when unreachable. */
  CompletableFuture<?> ready() {
    return redis.commands();
  }

  // ---------------------------------------------------------------- load

  @Override
  public CompletionStage<Session> create() {
    return CompletableFuture.completedFuture(factory.create());
  }

  @Override
  public CompletionStage<Optional<Session>> load(String handle) {
    if (!SessionIds.isWellFormed(handle)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (nearCache != null) {
      return nearCache.load(handle, this, factory.clock()).thenApply(data -> data.map(factory::open));
    }
    return fetch(handle).thenApply(loaded -> loaded.map(l -> factory.open(l.data())));
  }

  /** HGETALL: one round trip. A tombstone (an id moved away) is no session: a load never follows it. */
  CompletableFuture<Optional<Hashes.Loaded>> fetch(String id) {
    return hash(id).thenApply(map -> Hashes.parse(id, map, factory.clock().instant()));
  }

  /** The session under {@code id} whether or not it has expired (for the principal index). */
  CompletableFuture<Optional<Hashes.Loaded>> fetchAny(String id) {
    return hash(id).thenApply(map -> Hashes.parse(id, map, Instant.EPOCH));
  }

  private CompletableFuture<Map<String, byte[]>> hash(String id) {
    return redis.guard("load", redis.commands().thenCompose(c -> c.hgetall(keys.session(id)).toCompletableFuture()));
  }

  /** The near-cache's version check: one round trip, the whole hash only if it changed. */
  CompletableFuture<List<Object>> loadIfChanged(String id, long version) {
    return redis.eval(Scripts.LOAD_IF_CHANGED, new String[] {keys.session(id)}, Hashes.ascii(version));
  }

  // ---------------------------------------------------------------- save, delete, change id

  @Override
  public CompletionStage<String> save(Session session) {
    TrackedSession tracked = tracked(session);
    SessionChanges changes = tracked.changes();
    if (changes.isEmpty()) {
      return CompletableFuture.completedFuture(tracked.id());
    }
    return writes.write(tracked.id(), changes, changes.isNew(), 0).thenApply(written -> {
      if (written != null) {
        boolean redirected = !written.id().equals(tracked.id());
        // A request redirected after an id change keeps its old id and loaded version, and never learns the new id.
        tracked.markSaved(changes.after().withVersion(redirected ? tracked.version() : written.version()));
      }
      return tracked.id();
    });
  }

  @Override
  public CompletionStage<Void> delete(String id) {
    if (!SessionIds.isWellFormed(id)) {
      return CompletableFuture.completedFuture(null);
    }
    return writes.delete(id, null, 0).thenApply(hash -> null);
  }

  @Override
  public CompletionStage<Session> changeId(Session session) {
    return idChange.changeId(tracked(session), factory.ids().next());
  }

  // ---------------------------------------------------------------- principal index and events

  @Override
  public CompletionStage<List<Session>> findByPrincipal(String principalName) {
    return principals.find(principalName, this);
  }

  @Override
  public CompletionStage<Integer> invalidateAll(String principalName) {
    return principals.invalidateAll(principalName);
  }

  @Override
  public AutoCloseable addListener(SessionEventListener listener) {
    return events.add(listener);
  }

  @Override
  public CompletionStage<Integer> sweepExpired() {
    return sweeper.sweepAll();
  }

  private static TrackedSession tracked(Session session) {
    Objects.requireNonNull(session, "session");
    if (session instanceof TrackedSession t) {
      return t;
    }
    throw new IllegalArgumentException("session: " + session.getClass().getName()
        + " (expected: a session created or loaded by a Loadstone store)");
  }

  @Override
  public void close() {
    events.close();
    redis.close();
  }
}
