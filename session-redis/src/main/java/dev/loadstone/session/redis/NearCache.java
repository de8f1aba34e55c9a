package dev.loadstone.session.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.loadstone.session.SessionData;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Caffeine near-cache of session snapshots in front of the Redis store. Correctness across nodes comes from Redis
 * server-assisted client-side caching (RESP3 {@code CLIENT TRACKING}, default mode: Redis remembers the keys this
 * connection read and pushes an invalidation when any client changes one) or, when tracking is off or not
 * confirmed, from checking the session's version field in the one round trip that would fetch it if it changed.
 *
 * <p>Races: an invalidation that arrives while a fetch of the same session is in flight stamps the id, and the
 * fetched value is then not cached; a disconnect drops the whole cache and distrusts tracking until
 * {@code CLIENT TRACKING ON} is confirmed again on the new connection. See https://redis.io/docs/latest/develop/reference/client-side-caching/.
 */
final class NearCache {
  private record Entry(SessionData data, long version, long generation) {}

  private final Cache<String, Entry> cache;
  /** id -> stamp of its last invalidation, so an in-flight fetch that started earlier is not cached. */
  private final Cache<String, Long> invalidatedAt;
  private final AtomicLong stamps = new AtomicLong();
  private final AtomicLong generations = new AtomicLong();
  private final boolean tracking;
  private final AtomicBoolean enabling = new AtomicBoolean();
  private volatile long trackingGeneration = -1;
  private volatile long lastEnableAttemptNanos;
  private volatile StatefulRedisConnection<String, byte[]> connection;
  private final Counter hits;
  private final Counter validated;
  private final Counter misses;
  private final Keys keys;

  NearCache(long maximumSize, Duration ttl, boolean tracking, MeterRegistry registry, Keys keys) {
    this.keys = keys;
    this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl).build();
    this.invalidatedAt = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(30)).maximumSize(100_000).build();
    this.tracking = tracking;
    this.hits = counter(registry, "hit");
    this.validated = counter(registry, "validated");
    this.misses = counter(registry, "miss");
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("loadstone.session.nearcache.loads").tag("result", result)
        .description("Near-cache loads: hit (no round trip), validated (version check), miss (fetched)")
        .register(registry);
  }

  boolean wantsTracking() {
    return tracking;
  }

  boolean trackingActive() {
    return trackingGeneration >= 0;
  }

  void attach(StatefulRedisConnection<String, byte[]> c) {
    this.connection = c;
    c.addListener(this::onPush);
    c.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
        trackingGeneration = -1;
        cache.invalidateAll();
      }

      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
        trackingGeneration = -1;
        cache.invalidateAll();
      }
    });
  }

  CompletableFuture<Boolean> enableTracking(StatefulRedisConnection<String, byte[]> c) {
    lastEnableAttemptNanos = System.nanoTime();
    return c.async().clientTracking(TrackingArgs.Builder.enabled()).toCompletableFuture().handle((ok, e) -> {
      if (e == null) {
        cache.invalidateAll();
        trackingGeneration = generations.incrementAndGet();
        return true;
      }
      return false;
    });
  }

  /** After a reconnect, turn tracking on again (at most one attempt in flight, at most one a second). */
  private void maybeReenableTracking() {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (!tracking || c == null || trackingActive() || !c.isOpen()
        || System.nanoTime() - lastEnableAttemptNanos < TimeUnit.SECONDS.toNanos(1)
        || !enabling.compareAndSet(false, true)) {
      return;
    }
    enableTracking(c).whenComplete((ok, e) -> enabling.set(false));
  }

  private void onPush(PushMessage message) {
    if (!"invalidate".equals(message.getType())) {
      return;
    }
    List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
    Object keys = content.size() > 1 ? content.get(1) : null;
    if (!(keys instanceof List<?> list)) {
      long stamp = stamps.incrementAndGet();
      cache.asMap().keySet().forEach(id -> invalidatedAt.put(id, stamp));
      cache.invalidateAll(); // FLUSHALL/FLUSHDB: everything
      return;
    }
    for (Object key : list) {
      String k = key instanceof String s ? s : key instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(key);
      String id = this.keys.idOf(k);
      if (id != null) {
        invalidate(id);
      }
    }
  }

  void invalidate(String id) {
    invalidatedAt.put(id, stamps.incrementAndGet());
    cache.invalidate(id);
  }

  CompletableFuture<Optional<SessionData>> load(String id, DefaultRedisSessionStore store, Clock clock) {
    Entry e = cache.getIfPresent(id);
    if (e != null && e.data.isExpired(clock.instant())) {
      cache.invalidate(id);
      e = null;
    }
    long current = trackingGeneration;
    if (e != null && current >= 0 && e.generation == current) {
      hits.increment();
      return CompletableFuture.completedFuture(Optional.of(e.data));
    }
    maybeReenableTracking();
    Entry cached = e;
    // Wait for the connection (and tracking) before taking the stamps, so a first fetch can be trusted.
    return store.ready().thenCompose(ready -> {
      long generation = trackingGeneration;
      long stamp = stamps.get();
      if (cached == null) {
        misses.increment();
        return store.fetch(id).thenApply(loaded -> {
          loaded.ifPresent(l -> put(id, l, stamp, generation));
          return loaded.map(Hashes.Loaded::data);
        });
      }
      return store.loadIfChanged(id, cached.version)
          .thenApply(reply -> {
            if ("same".equals(Hashes.status(reply))) {
              validated.increment();
              put(id, new Hashes.Loaded(cached.data, cached.version), stamp, generation);
              return Optional.of(cached.data);
            }
            misses.increment();
            Optional<Hashes.Loaded> loaded = Hashes.parse(id, Hashes.hashFromList(reply.get(1)), clock.instant());
            loaded.ifPresent(l -> put(id, l, stamp, generation));
            return loaded.map(Hashes.Loaded::data);
          });
    });
  }

  private void put(String id, Hashes.Loaded loaded, long stamp, long generation) {
    Long invalidated = invalidatedAt.getIfPresent(id);
    if (invalidated != null && invalidated > stamp) {
      return; // changed while we were reading
    }
    long trusted = generation >= 0 && generation == trackingGeneration ? generation : -1;
    cache.put(id, new Entry(loaded.data(), loaded.version(), trusted));
  }
}
