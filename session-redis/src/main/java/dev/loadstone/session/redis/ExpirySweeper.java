package dev.loadstone.session.redis;

import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.spi.SessionEvents;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds expired sessions without keyspace notifications (managed Redis often disables them, and they are
 * delivered at most once to whoever is subscribed at that moment): the save script keeps every session's expiry
 * in the sorted-set index of its slot, and an expired session's hash outlives its expiry by a retention period.
 * A sweep asks each index for the ids due by Redis time, then claims each with a script that removes it from the
 * index and deletes its hash in one step: on any number of nodes, exactly one claim returns the hash, and that
 * node reports {@code sessionExpired}. A session extended meanwhile is put back with its new expiry.
 *
 * <p>Correct across restarts: the index and the hashes are ordinary keys, so with persistence (AOF/RDB) expiries
 * that passed while Redis was down are reported once it is back (as long as they are younger than the
 * retention); without persistence the sessions are gone and there is nothing to report. The scripts are
 * re-sent after a restart's NOSCRIPT, and a sweep that fails is retried on the next tick. A node that dies
 * between claiming and notifying its listeners loses those events (at most once, never twice).
 *
 * <p>Cost: one {@code EVALSHA} per index per pass plus one per expired session. Outside a Cluster there is one
 * index. In a Cluster there is one per slot that holds sessions (Redis deletes a sorted set when its last member
 * goes), found with a {@code SCAN ... MATCH <p>x:* TYPE zset} over every master (one call per 1000 keys), rather
 * than asking all 16384 slots. Reference: Spring Session's {@code SortedSetRedisSessionExpirationStore} (one set,
 * cleanup by touching keys so that Redis fires its keyspace events).
 */
final class ExpirySweeper {
  private static final int BATCH = 100;

  private final RedisConnection redis;
  private final Keys keys;
  private final SessionFactory factory;
  private final SessionEvents events;
  private final SessionWrites writes;

  ExpirySweeper(RedisConnection redis, Keys keys, SessionFactory factory, SessionEvents events, SessionWrites writes,
      Duration interval) {
    this.redis = redis;
    this.keys = keys;
    this.factory = factory;
    this.events = events;
    this.writes = writes;
  }

  /** One background pass (bounded, so a stuck pass never stops the next). */
  void tick() {
    sweepAll().orTimeout(60, TimeUnit.SECONDS).join();
  }

  /** Every index once; completes with how many expiries this node reported. */
  CompletableFuture<Integer> sweepAll() {
    return indexes().thenCompose(this::sweep);
  }

  private CompletableFuture<List<String>> indexes() {
    if (!keys.cluster()) {
      return CompletableFuture.completedFuture(keys.expiryIndexes());
    }
    List<String> found = new ArrayList<>();
    KeyScanArgs args = new KeyScanArgs().match(keys.prefix() + "x:{*").type("zset").limit(1000);
    return redis.guard("expiry index scan", redis.commands().thenCompose(c -> scan(c, ScanCursor.INITIAL, args, found)));
  }

  private CompletableFuture<List<String>> scan(RedisClusterAsyncCommands<String, byte[]> c, ScanCursor cursor,
      KeyScanArgs args, List<String> found) {
    return c.scan(cursor, args).toCompletableFuture().thenCompose(page -> {
      found.addAll(page.getKeys());
      return page.isFinished() ? CompletableFuture.completedFuture(found) : scan(c, page, args, found);
    });
  }

  private CompletableFuture<Integer> sweep(List<String> share) {
    AtomicInteger reported = new AtomicInteger();
    CompletableFuture<?> done = CompletableFuture.completedFuture(null);
    for (int from = 0; from < share.size(); from += 512) { // at most 512 scripts in flight
      List<String> batch = share.subList(from, Math.min(share.size(), from + 512));
      done = done.thenCompose(v -> CompletableFuture.allOf(
          batch.stream().map(index -> sweepIndex(index, reported)).toArray(CompletableFuture[]::new)));
    }
    return done.thenApply(v -> reported.get());
  }

  private CompletableFuture<Void> sweepIndex(String index, AtomicInteger reported) {
    return redis.eval(Scripts.DUE, new String[] {index}, Hashes.ascii(BATCH)).thenCompose(due -> {
      List<CompletableFuture<?>> claims = new ArrayList<>();
      for (Object o : due) {
        String id = Hashes.text(o);
        claims.add(claim(index, id).thenAccept(claimed -> {
          if (claimed) {
            reported.incrementAndGet();
          }
        }));
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(claims.toArray(new CompletableFuture[0]));
      return due.size() < BATCH ? all : all.thenCompose(v -> sweepIndex(index, reported));
    });
  }

  private CompletableFuture<Boolean> claim(String index, String id) {
    byte[] inline = Hashes.utf8(keys.cluster() ? "" : keys.principalPrefix());
    return redis.eval(Scripts.CLAIM, new String[] {index, keys.session(id)}, Hashes.utf8(id), inline).thenCompose(reply -> {
      if (reply.isEmpty()) {
        return CompletableFuture.completedFuture(false); // another node claimed it, or it was extended or deleted
      }
      writes.invalidateNear(id);
      Map<String, byte[]> hash = Hashes.hashFromList(reply);
      var parsed = Hashes.parse(id, hash, Instant.EPOCH);
      if (parsed.isEmpty()) {
        return CompletableFuture.completedFuture(false);
      }
      events.expired(factory.view(parsed.get().data()));
      String principal = parsed.get().data().principal();
      if (keys.cluster() && principal != null) {
        return writes.principal("remove", principal, id, parsed.get().data()).thenApply(x -> true);
      }
      return CompletableFuture.completedFuture(true);
    });
  }
}
