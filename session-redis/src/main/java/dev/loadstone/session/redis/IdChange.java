package dev.loadstone.session.redis;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionChanges;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.TrackedSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code changeId} without {@code RENAME} (which fails across Cluster slots, and the new id's slot is random): (1)
 * the new key is written with this request's whole view, (2) the old key is atomically replaced by a tombstone
 * naming the new id and the version it was moved at, which returns what the old key held, (3) whatever another
 * request changed since this one loaded is copied over. From step 2 on the old id loads nothing (the attacker of
 * a fixation who presents the pre-login id gets no session at +0 s); a request that loaded before the move can
 * still save, into the new key, for the grace period (Spring Session renames the key, and such a save then
 * writes a stray partial hash under the old id).
 */
final class IdChange {
  private final RedisConnection redis;
  private final Keys keys;
  private final SessionWrites writes;
  private final Duration grace;

  IdChange(RedisConnection redis, Keys keys, SessionWrites writes, Duration grace) {
    this.redis = redis;
    this.keys = keys;
    this.writes = writes;
    this.grace = grace;
  }

  CompletableFuture<Session> changeId(TrackedSession tracked, String newId) {
    String oldId = tracked.id();
    if (tracked.isNew()) {
      tracked.moveTo(newId);
      return CompletableFuture.completedFuture(tracked);
    }
    SessionChanges changes = tracked.changes();
    SessionData view = changes.after();
    SessionChanges asNew = new SessionChanges(newId, true, view.attributes(), Set.of(), true, true, view.withId(newId),
        0, view.principal() != null);
    String[] oldKeys = {keys.session(oldId), keys.expiryIndex(oldId)};
    byte[] inline = Hashes.utf8(keys.cluster() ? "" : keys.principalPrefix());
    return writes.write(newId, asNew, true, 0)
        .thenCompose(written -> redis.eval(Scripts.MOVE, oldKeys, Hashes.utf8(oldId), Hashes.utf8(newId),
            Hashes.ascii(grace.toMillis()), inline)
            .thenCompose(reply -> {
              writes.invalidateNear(oldId);
              if (!Hashes.status(reply).equals("ok")) {
                // Deleted meanwhile, or moved by a parallel id change: do not keep what the old one no longer has.
                tracked.moveTo(newId);
                return writes.delete(newId, null, 3).thenApply(v -> (Session) tracked);
              }
              Map<String, byte[]> current = Hashes.hashFromList(reply.get(1));
              tracked.moveTo(newId);
              tracked.markSaved(view.withId(newId).withVersion(written == null ? 1 : written.version()));
              CompletableFuture<?> index = keys.cluster() && current.containsKey("#p")
                  ? writes.principal("remove", Hashes.text(current.get("#p")), oldId, view)
                  : CompletableFuture.completedFuture(null);
              SessionChanges carry = carryOver(newId, changes, view, current);
              if (carry == null) {
                return index.thenApply(x -> (Session) tracked);
              }
              return index.thenCompose(x -> writes.write(newId, carry, false, 0)).thenApply(w -> (Session) tracked);
            }));
  }

  /** The attribute changes found in the old key that this request neither made nor saw when it loaded. */
  private static SessionChanges carryOver(String newId, SessionChanges ours, SessionData ourView, Map<String, byte[]> current) {
    Optional<Hashes.Loaded> parsed = Hashes.parse(newId, current, Instant.EPOCH);
    if (parsed.isEmpty()) {
      return null;
    }
    SessionData theirs = parsed.get().data();
    Map<String, byte[]> sets = new HashMap<>();
    List<String> deletes = new ArrayList<>();
    theirs.attributes().forEach((name, bytes) -> {
      if (!ours.setAttributes().containsKey(name) && !ours.removedAttributes().contains(name)
          && !Arrays.equals(bytes, ourView.attributes().get(name))) {
        sets.put(name, bytes);
      }
    });
    for (String name : ourView.attributes().keySet()) {
      if (!theirs.attributes().containsKey(name) && !ours.setAttributes().containsKey(name)) {
        deletes.add(name);
      }
    }
    boolean touch = theirs.lastAccessedTime().isAfter(ourView.lastAccessedTime());
    if (sets.isEmpty() && deletes.isEmpty() && !touch) {
      return null;
    }
    SessionData merged = new SessionData(newId, ourView.creationTime(),
        touch ? theirs.lastAccessedTime() : ourView.lastAccessedTime(), ourView.idleTimeout(),
        ourView.absoluteTimeout(), ourView.attributes(), 0, ourView.principal());
    return new SessionChanges(newId, false, sets, Set.copyOf(deletes), touch, false, merged, 0, false);
  }
}
