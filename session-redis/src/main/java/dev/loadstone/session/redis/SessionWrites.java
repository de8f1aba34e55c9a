package dev.loadstone.session.redis;

import dev.loadstone.session.SessionChanges;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.SessionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The write side of the Redis store: one {@code EVALSHA} of the save script per save (only the changed fields,
 * the deletions, the metadata, the TTL, the expiry index and, outside a Cluster, the principal index, atomically),
 * and the delete script. In a Cluster, where a principal's set lives in another slot, its membership is written
 * by a separate small script: before the save when the principal is new (so an index never misses a session),
 * after it to remove the old one (a stale member is only ever skipped and cleaned when read).
 */
final class SessionWrites {
  /** Where a save went: {@code id} is the id written to (the new one when redirected after an id change). */
  record Written(String id, long version) {}

  private final RedisConnection redis;
  private final Keys keys;
  private final SessionFactory factory;
  private final NearCache nearCache; // null: none
  private final Duration retention;

  SessionWrites(RedisConnection redis, Keys keys, SessionFactory factory, NearCache nearCache, Duration retention) {
    this.redis = redis;
    this.keys = keys;
    this.factory = factory;
    this.nearCache = nearCache;
    this.retention = retention;
  }

  /** The principal-set prefix the scripts maintain inline, or '' when this class does it (Cluster). */
  private byte[] inlinePrincipals() {
    return Hashes.utf8(keys.cluster() ? "" : keys.principalPrefix());
  }

  /** Runs the save script; completes with where it wrote, or null when the session was gone (or expired). */
  CompletableFuture<Written> write(String id, SessionChanges changes, boolean asNew, int hops) {
    SessionData after = changes.after();
    String principalOp = asNew ? Objects.requireNonNullElse(after.principal(), "")
        : !changes.principalChanged() ? "" : after.principal() == null ? "-" : after.principal();
    List<byte[]> args = new ArrayList<>();
    args.add(Hashes.utf8(id));
    args.add(Hashes.utf8(asNew ? "new" : "upd"));
    args.add(Hashes.ascii(after.creationTime().toEpochMilli()));
    args.add(asNew || changes.touchDue() ? Hashes.ascii(after.lastAccessedTime().toEpochMilli()) : new byte[0]);
    args.add(asNew || changes.idleTimeoutChanged() ? Hashes.ascii(after.idleTimeout().toMillis()) : new byte[0]);
    args.add(Hashes.ascii(after.absoluteTimeout().toMillis()));
    args.add(Hashes.ascii(changes.loadedVersion()));
    args.add(Hashes.utf8(principalOp));
    args.add(Hashes.ascii(retention.toMillis()));
    args.add(inlinePrincipals());
    Map<String, byte[]> sets = asNew ? after.attributes() : changes.setAttributes();
    args.add(Hashes.ascii(sets.size()));
    sets.forEach((name, bytes) -> {
      args.add(Hashes.utf8(Hashes.ATTRIBUTE_PREFIX + name));
      args.add(bytes);
    });
    if (!asNew) {
      for (String name : changes.removedAttributes()) {
        args.add(Hashes.utf8(Hashes.ATTRIBUTE_PREFIX + name));
      }
    }
    CompletableFuture<?> before = keys.cluster() && !principalOp.isEmpty() && !principalOp.equals("-")
        ? principal("add", principalOp, id, after) : CompletableFuture.completedFuture(null);
    invalidateNear(id);
    String[] k = {keys.session(id), keys.expiryIndex(id)};
    return before.thenCompose(v -> redis.eval(Scripts.SAVE, k, args.toArray(new byte[0][]))).thenCompose(reply -> {
      invalidateNear(id);
      switch (Hashes.status(reply)) {
        case "ok": {
          Written written = new Written(id, (Long) reply.get(1));
          String old = Hashes.text(reply.get(2));
          if (!keys.cluster()) {
            return CompletableFuture.completedFuture(written);
          }
          String now = changes.principalChanged() ? after.principal() : old.isEmpty() ? null : old;
          CompletableFuture<?> index = CompletableFuture.completedFuture(null);
          if (!old.isEmpty() && !old.equals(now)) {
            index = principal("remove", old, id, after);
          } else if (now != null && changes.metadataChanged()) {
            index = principal("add", now, id, after); // keeps the set at least as long-lived as the session
          }
          return index.thenApply(x -> written);
        }
        case "moved":
          String newId = Hashes.text(reply.get(1));
          return hops >= 3 ? CompletableFuture.completedFuture(null) : write(newId, changes, false, hops + 1);
        case "gone":
        case "expired":
          return CompletableFuture.completedFuture(null);
        case "exists":
          throw new IllegalStateException("session id collision on save of a new session");
        default:
          throw new IllegalStateException("unexpected save script reply: " + Hashes.status(reply));
      }
    });
  }

  /** Cluster: adds to or removes from a principal's set, keeping the set alive as long as the session. */
  CompletableFuture<List<Object>> principal(String op, String name, String id, SessionData session) {
    Duration life = Duration.between(factory.clock().instant(), session.expiresAt()).plus(retention).plusMinutes(1);
    return redis.eval(Scripts.PRINCIPAL, new String[] {keys.principal(name)}, Hashes.utf8(op), Hashes.utf8(id),
        Hashes.ascii(Math.max(1, life.toMillis())));
  }

  /**
   * Deletes the session (and, for a tombstone, where it led); completes with the deleted hash when {@code
   * principal} is given (only deleted if it still belongs to that principal), else with null.
   */
  CompletableFuture<Map<String, byte[]>> delete(String id, String principal, int hops) {
    invalidateNear(id);
    String[] k = {keys.session(id), keys.expiryIndex(id)};
    return redis.eval(Scripts.DELETE, k, Hashes.utf8(id), inlinePrincipals(), Hashes.utf8(principal == null ? "" : principal))
        .thenCompose(reply -> {
          invalidateNear(id);
          String status = Hashes.status(reply);
          if (status.equals("moved") && hops < 3) {
            return delete(Hashes.text(reply.get(1)), principal, hops + 1);
          }
          if (!status.equals("ok")) {
            return CompletableFuture.completedFuture(null);
          }
          String had = Hashes.text(reply.get(1));
          Map<String, byte[]> hash = principal == null ? null : Hashes.hashFromList(reply.get(2));
          if (keys.cluster() && !had.isEmpty()) {
            return redis.eval(Scripts.PRINCIPAL, new String[] {keys.principal(had)}, Hashes.utf8("remove"),
                Hashes.utf8(id), Hashes.ascii(1)).thenApply(x -> hash);
          }
          return CompletableFuture.completedFuture(hash);
        });
  }

  void invalidateNear(String id) {
    if (nearCache != null) {
      nearCache.invalidate(id);
    }
  }
}
