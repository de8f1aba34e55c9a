package dev.loadstone.session.redis;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.spi.SessionEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sessions of a principal: the set {@code <p>p:{<name>}} of ids, kept by the session scripts (outside a
 * Cluster, atomically with each save, delete, id change and expiry claim) or next to them (in a Cluster, where
 * the set lives in another slot: added before the session is saved, removed after). A member whose session is
 * gone or belongs to someone else now is skipped and removed when read, so the answer is always checked
 * against the sessions themselves.
 */
final class Principals {
  private final RedisConnection redis;
  private final Keys keys;
  private final SessionFactory factory;
  private final SessionWrites writes;
  private final SessionEvents events;

  Principals(RedisConnection redis, Keys keys, SessionFactory factory, SessionWrites writes, SessionEvents events) {
    this.redis = redis;
    this.keys = keys;
    this.factory = factory;
    this.writes = writes;
    this.events = events;
  }

  private CompletableFuture<List<String>> members(String name) {
    Objects.requireNonNull(name, "principalName");
    return redis.guard("principal index", redis.commands().thenCompose(c -> c.smembers(keys.principal(name))
        .toCompletableFuture()))
        .thenApply((Set<byte[]> ids) -> ids.stream().map(Hashes::text).toList());
  }

  private CompletableFuture<Void> forget(String name, String id) {
    return redis.eval(Scripts.PRINCIPAL, new String[] {keys.principal(name)}, Hashes.utf8("remove"), Hashes.utf8(id),
        Hashes.ascii(1)).thenApply(x -> null);
  }

  CompletableFuture<List<Session>> find(String name, DefaultRedisSessionStore store) {
    return members(name).thenCompose(ids -> {
      Instant now = factory.clock().instant();
      List<CompletableFuture<SessionData>> loads = new ArrayList<>();
      for (String id : ids) {
        loads.add(store.fetchAny(id).thenCompose(found -> {
          if (found.isPresent() && name.equals(found.get().data().principal())) {
            return CompletableFuture.completedFuture(found.get().data().isExpired(now) ? null : found.get().data());
          }
          return forget(name, id).thenApply(v -> null); // gone, or someone else's now
        }));
      }
      return CompletableFuture.allOf(loads.toArray(new CompletableFuture[0])).thenApply(v -> {
        List<Session> sessions = new ArrayList<>();
        for (CompletableFuture<SessionData> l : loads) {
          SessionData data = l.join();
          if (data != null) {
            sessions.add(factory.open(data));
          }
        }
        return sessions;
      });
    });
  }

  CompletableFuture<Integer> invalidateAll(String name) {
    return members(name).thenCompose(ids -> {
      AtomicInteger ended = new AtomicInteger();
      List<CompletableFuture<?>> deletes = new ArrayList<>();
      for (String id : ids) {
        deletes.add(writes.delete(id, name, 0).thenCompose(hash -> {
          var parsed = hash == null ? java.util.Optional.<Hashes.Loaded>empty() : Hashes.parse(id, hash, Instant.EPOCH);
          if (parsed.isEmpty()) {
            return forget(name, id);
          }
          ended.incrementAndGet();
          events.deleted(factory.view(parsed.get().data()));
          return CompletableFuture.completedFuture(null);
        }));
      }
      return CompletableFuture.allOf(deletes.toArray(new CompletableFuture[0])).thenApply(v -> ended.get());
    });
  }
}
