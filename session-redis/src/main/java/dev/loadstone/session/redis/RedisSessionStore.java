package dev.loadstone.session.redis;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionChanges;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionIds;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.TrackedSession;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sessions in Redis through Lettuce: one hash per session under {@code loadstone:s:{<id>}} (the id is the hash tag,
 * so a session's key has one Cluster slot), expiring by Redis TTL set to the remaining idle/absolute time.
 *
 * <p>Round trips: a load is one {@code HGETALL}; a save is one {@code EVALSHA} of a script that writes only the
 * changed fields, the deletions, the metadata and the {@code PEXPIRE} atomically (the layout of Spring Session's
 * Redis repository, with the delta write made atomic and resurrection-proof); a request that changes nothing and
 * has no touch due writes nothing, so it costs exactly the one load. An id change writes the new key, then turns
 * the old key into a tombstone naming the new id for a grace period (no {@code RENAME}, which fails across slots).
 *
 * <p>Failures: every command has a timeout (default 500 ms), commands are rejected at once while disconnected,
 * and nothing is replayed after a reconnect; all of these fail the stage with
 * {@link SessionStoreUnavailableException}. Lettuce reconnects by itself and Cluster topology is refreshed
 * periodically and on redirects, so the store recovers without a restart.
 */
public final class RedisSessionStore implements SessionStore {
  static final String KEY_PREFIX = "loadstone:s:{";
  static final String ATTRIBUTE_PREFIX = "a:";
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final byte[] EMPTY = new byte[0];

  private final SessionFactory factory;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final RedisURI standaloneUri;
  private final boolean cluster;
  private final Duration movedGracePeriod;
  private final Duration commandTimeout;
  private final AtomicReference<CompletableFuture<StatefulConnection<String, byte[]>>> connection = new AtomicReference<>();
  private final NearCache nearCache;

  private RedisSessionStore(Builder b) {
    this.factory = b.factory != null ? b.factory : SessionFactory.defaults();
    this.movedGracePeriod = b.movedGracePeriod != null ? b.movedGracePeriod : Duration.ofSeconds(10);
    this.commandTimeout = b.commandTimeout != null ? b.commandTimeout : Duration.ofMillis(500);
    Duration connectTimeout = b.connectTimeout != null ? b.connectTimeout : Duration.ofSeconds(2);
    Duration maxReconnectDelay = b.maxReconnectDelay != null ? b.maxReconnectDelay : Duration.ofSeconds(1);
    this.resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
        .build();
    boolean tracking = b.nearCacheSize != null && b.nearCacheValidation != NearCacheValidation.VERSION_CHECK && b.clusterSeeds == null;
    SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
    if (b.clusterSeeds != null) {
      this.cluster = true;
      this.standaloneUri = null;
      List<RedisURI> seeds = new ArrayList<>();
      for (String seed : b.clusterSeeds) {
        seeds.add(withCredentials(RedisURI.create(seed), b, connectTimeout));
      }
      RedisClusterClient c = RedisClusterClient.create(resources, seeds);
      Duration refresh = b.topologyRefreshPeriod != null ? b.topologyRefreshPeriod : Duration.ofSeconds(10);
      ClusterClientOptions.Builder options = ClusterClientOptions.builder();
      options.maxRedirects(5);
      options.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
          .enablePeriodicRefresh(refresh)
          .enableAllAdaptiveRefreshTriggers()
          .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
          .refreshTriggersReconnectAttempts(2)
          .dynamicRefreshSources(true)
          .closeStaleConnections(true)
          .build());
      options.autoReconnect(true);
      options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
      options.replayFilter(command -> true);
      options.timeoutOptions(TimeoutOptions.enabled(commandTimeout));
      options.socketOptions(socket);
      c.setOptions(options.build());
      this.client = c;
    } else {
      this.cluster = false;
      this.standaloneUri = withCredentials(RedisURI.create(Objects.requireNonNull(b.uri, "uri or clusterSeeds")), b,
          connectTimeout);
      RedisClient c = RedisClient.create(resources);
      ClientOptions.Builder options = ClientOptions.builder()
          .autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .replayFilter(command -> true)
          .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
          .socketOptions(socket);
      if (tracking) {
        options.protocolVersion(ProtocolVersion.RESP3);
      }
      c.setOptions(options.build());
      this.client = c;
    }
    if (b.commandListener != null) {
      client.addListener(b.commandListener);
    }
    this.nearCache = b.nearCacheSize == null ? null
        : new NearCache(b.nearCacheSize, b.nearCacheTtl != null ? b.nearCacheTtl : Duration.ofSeconds(10), tracking,
            factory.meterRegistry());
  }

  private static RedisURI withCredentials(RedisURI uri, Builder b, Duration timeout) {
    if (b.password != null) {
      char[] password = b.password.clone();
      String username = b.username;
      uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> RedisCredentials.just(username, password)));
    }
    uri.setTimeout(timeout);
    return uri;
  }

  public static Builder builder() {
    return new Builder();
  }

  static String key(String id) {
    return KEY_PREFIX + id + "}";
  }

  /** True when the near-cache currently trusts server-assisted invalidation (RESP3 {@code CLIENT TRACKING}). */
  public boolean nearCacheTracking() {
    return nearCache != null && nearCache.trackingActive();
  }

  // ---------------------------------------------------------------- connection

  private CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> commands() {
    CompletableFuture<StatefulConnection<String, byte[]>> current = connection.get();
    if (current == null || current.isCompletedExceptionally()) {
      CompletableFuture<StatefulConnection<String, byte[]>> fresh = new CompletableFuture<>();
      if (connection.compareAndSet(current, fresh)) {
        connect().whenComplete((c, e) -> {
          if (e != null) {
            connection.compareAndSet(fresh, null); // the next operation tries again
            fresh.completeExceptionally(e);
          } else {
            fresh.complete(c);
          }
        });
        current = fresh;
      } else {
        return commands();
      }
    }
    return current.thenApply(RedisSessionStore::asyncCommands);
  }

  /** Completes once connected (and, with a tracking near-cache, once tracking is on); fails when unreachable. */
  CompletableFuture<?> ready() {
    return commands().handle((c, e) -> {
      if (e != null) {
        throw unavailable("connect", e);
      }
      return c;
    });
  }

  @SuppressWarnings("unchecked")
  private static RedisClusterAsyncCommands<String, byte[]> asyncCommands(StatefulConnection<String, byte[]> c) {
    if (c instanceof StatefulRedisConnection<String, byte[]> standalone) {
      return standalone.async();
    }
    return ((io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, byte[]>) c).async();
  }

  private CompletableFuture<StatefulConnection<String, byte[]>> connect() {
    if (cluster) {
      RedisClusterClient c = (RedisClusterClient) client;
      // Lettuce's async cluster connect needs the topology first; loading it blocks, so not on a caller's thread.
      return CompletableFuture.runAsync(c::getPartitions)
          .thenCompose(v -> c.connectAsync(CODEC))
          .thenCompose(RedisSessionStore::warmUp);
    }
    CompletableFuture<StatefulConnection<String, byte[]>> connected =
        ((RedisClient) client).connectAsync(CODEC, standaloneUri).toCompletableFuture().thenApply(c -> c);
    if (nearCache == null || !nearCache.wantsTracking()) {
      return connected;
    }
    return connected.thenCompose(c -> {
      StatefulRedisConnection<String, byte[]> standalone = (StatefulRedisConnection<String, byte[]>) c;
      nearCache.attach(standalone);
      return nearCache.enableTracking(standalone).thenApply(ok -> c);
    });
  }

  /**
   * Opens the connection to every master up front: Lettuce opens node connections lazily, and with commands
   * rejected while disconnected the first command to each node would otherwise fail.
   */
  private static CompletableFuture<StatefulConnection<String, byte[]>> warmUp(
      io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, byte[]> c) {
    List<CompletableFuture<?>> nodes = new ArrayList<>();
    for (io.lettuce.core.cluster.models.partitions.RedisClusterNode node : c.getPartitions()) {
      if (node.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.UPSTREAM)) {
        nodes.add(c.getConnectionAsync(node.getNodeId()));
        nodes.add(c.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
      }
    }
    return CompletableFuture.allOf(nodes.toArray(new CompletableFuture<?>[0]))
        .handle((v, e) -> c); // a node that is down now is simply not warm; its commands fail fast
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
    return fetch(handle, 0).thenApply(loaded -> loaded.map(l -> factory.open(l.data())));
  }

  /** A session as read from Redis with its version (for the near-cache). */
  record Loaded(SessionData data, long version) {}

  /** HGETALL, following a moved tombstone (another round trip, only right after an id change). */
  CompletableFuture<Optional<Loaded>> fetch(String id, int hops) {
    return commands()
        .thenCompose(c -> c.hgetall(key(id)).toCompletableFuture())
        .handle((map, e) -> {
          if (e != null) {
            throw unavailable("load", e);
          }
          return map;
        })
        .thenCompose(map -> interpret(id, map, hops));
  }

  CompletableFuture<Optional<Loaded>> interpret(String id, Map<String, byte[]> map, int hops) {
    byte[] moved = map.get("#m");
    if (moved != null) {
      String newId = new String(moved, StandardCharsets.UTF_8);
      return hops < 3 && SessionIds.isWellFormed(newId) ? fetch(newId, hops + 1)
          : CompletableFuture.completedFuture(Optional.empty());
    }
    return CompletableFuture.completedFuture(parse(id, map, factory.clock().instant()));
  }

  static Optional<Loaded> parse(String id, Map<String, byte[]> map, Instant now) {
    byte[] created = map.get("#c");
    byte[] lastAccess = map.get("#a");
    byte[] idle = map.get("#i");
    byte[] absolute = map.get("#x");
    if (created == null || lastAccess == null || idle == null || absolute == null) {
      return Optional.empty(); // absent (the scripts never leave a hash without its metadata)
    }
    Map<String, byte[]> attributes = new HashMap<>();
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      if (e.getKey().startsWith(ATTRIBUTE_PREFIX)) {
        attributes.put(e.getKey().substring(ATTRIBUTE_PREFIX.length()), e.getValue());
      }
    }
    byte[] version = map.get("#v");
    SessionData data = new SessionData(id, Instant.ofEpochMilli(number(created)), Instant.ofEpochMilli(number(lastAccess)),
        Duration.ofMillis(number(idle)), Duration.ofMillis(number(absolute)), attributes);
    if (data.isExpired(now)) {
      return Optional.empty();
    }
    return Optional.of(new Loaded(data, version == null ? 0 : number(version)));
  }

  private static long number(byte[] ascii) {
    return Long.parseLong(new String(ascii, StandardCharsets.US_ASCII));
  }

  // ---------------------------------------------------------------- save

  @Override
  public CompletionStage<String> save(Session session) {
    TrackedSession tracked = tracked(session);
    SessionChanges changes = tracked.changes();
    if (changes.isEmpty()) {
      return CompletableFuture.completedFuture(tracked.id());
    }
    return write(tracked.id(), changes, changes.isNew(), 0).thenApply(finalId -> {
      if (finalId != null) {
        if (!finalId.equals(tracked.id())) {
          tracked.moveTo(finalId);
        }
        tracked.markSaved(changes.after().withId(finalId));
      }
      return tracked.id();
    });
  }

  /** Runs the save script; completes with the id written to, or null when the session was gone. */
  private CompletableFuture<String> write(String id, SessionChanges changes, boolean asNew, int hops) {
    List<byte[]> args = new ArrayList<>();
    SessionData after = changes.after();
    args.add(ascii(factory.clock().millis()));
    args.add(ascii(asNew ? "new" : "upd"));
    args.add(ascii(after.creationTime().toEpochMilli()));
    args.add(asNew || changes.touchDue() ? ascii(after.lastAccessedTime().toEpochMilli()) : EMPTY);
    args.add(asNew || changes.idleTimeoutChanged() ? ascii(after.idleTimeout().toMillis()) : EMPTY);
    args.add(ascii(after.absoluteTimeout().toMillis()));
    Map<String, byte[]> sets = asNew ? after.attributes() : changes.setAttributes();
    args.add(ascii(sets.size()));
    sets.forEach((name, bytes) -> {
      args.add((ATTRIBUTE_PREFIX + name).getBytes(StandardCharsets.UTF_8));
      args.add(bytes);
    });
    if (!asNew) {
      for (String name : changes.removedAttributes()) {
        args.add((ATTRIBUTE_PREFIX + name).getBytes(StandardCharsets.UTF_8));
      }
    }
    if (nearCache != null) {
      nearCache.invalidate(id);
    }
    return eval(Scripts.SAVE, key(id), args.toArray(new byte[0][])).thenCompose(reply -> {
      if (nearCache != null) {
        nearCache.invalidate(id);
      }
      String status = status(reply);
      switch (status) {
        case "ok":
          return CompletableFuture.completedFuture(id);
        case "moved": {
          String newId = new String((byte[]) reply.get(1), StandardCharsets.UTF_8);
          if (hops >= 3) {
            return CompletableFuture.completedFuture(null);
          }
          return write(newId, changes, false, hops + 1);
        }
        case "gone":
        case "expired":
          return CompletableFuture.completedFuture(null);
        case "exists":
          throw new IllegalStateException("session id collision on save of a new session: " + id.substring(0, 6) + "...");
        default:
          throw new IllegalStateException("unexpected save script reply: " + status);
      }
    });
  }

  // ---------------------------------------------------------------- delete and change id

  @Override
  public CompletionStage<Void> delete(String id) {
    if (!SessionIds.isWellFormed(id)) {
      return CompletableFuture.completedFuture(null);
    }
    return delete(id, 0);
  }

  private CompletableFuture<Void> delete(String id, int hops) {
    if (nearCache != null) {
      nearCache.invalidate(id);
    }
    return eval(Scripts.DELETE, key(id)).thenCompose(reply -> {
      if (nearCache != null) {
        nearCache.invalidate(id);
      }
      if ("moved".equals(status(reply)) && hops < 3) {
        String movedTo = new String((byte[]) reply.get(1), StandardCharsets.UTF_8);
        if (SessionIds.isWellFormed(movedTo)) {
          return delete(movedTo, hops + 1);
        }
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  @Override
  public CompletionStage<Session> changeId(Session session) {
    TrackedSession tracked = tracked(session);
    String oldId = tracked.id();
    String newId = factory.ids().next();
    if (tracked.isNew()) {
      tracked.moveTo(newId);
      return CompletableFuture.completedFuture(tracked);
    }
    SessionChanges changes = tracked.changes();
    SessionData loadedView = changes.after();
    // 1. The new key with this request's whole view; 2. the old key becomes a tombstone, returning what it held;
    // 3. changes other requests made since our load are carried over to the new key.
    return write(newId, changes, true, 0)
        .thenCompose(written -> eval(Scripts.MOVE, key(oldId), newId.getBytes(StandardCharsets.UTF_8),
            ascii(movedGracePeriod.toMillis())))
        .thenCompose(reply -> {
          String status = status(reply);
          if (!status.equals("ok")) {
            // Deleted meanwhile, or moved by a parallel id change: do not keep a session the old one no longer has.
            return delete(newId, 3).thenApply(v -> {
              tracked.moveTo(newId);
              return (Session) tracked;
            });
          }
          Map<String, byte[]> current = hashFromList(reply.get(1));
          SessionChanges carry = carryOver(newId, changes, loadedView, current);
          tracked.moveTo(newId);
          tracked.markSaved(loadedView.withId(newId));
          if (carry == null) {
            return CompletableFuture.completedFuture((Session) tracked);
          }
          return write(newId, carry, false, 0).thenApply(id -> (Session) tracked);
        });
  }

  /** The attribute changes found in the old key that this request neither made nor saw when it loaded. */
  private SessionChanges carryOver(String newId, SessionChanges ours, SessionData ourView, Map<String, byte[]> current) {
    Optional<Loaded> parsed = parse(newId, current, Instant.EPOCH);
    if (parsed.isEmpty()) {
      return null;
    }
    SessionData theirs = parsed.get().data();
    Map<String, byte[]> sets = new HashMap<>();
    List<String> deletes = new ArrayList<>();
    theirs.attributes().forEach((name, bytes) -> {
      if (!ours.setAttributes().containsKey(name) && !ours.removedAttributes().contains(name)
          && !java.util.Arrays.equals(bytes, ourView.attributes().get(name))) {
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
        ourView.absoluteTimeout(), ourView.attributes());
    return new SessionChanges(newId, false, sets, java.util.Set.copyOf(deletes), touch, false, merged);
  }

  // ---------------------------------------------------------------- helpers

  CompletableFuture<List<Object>> eval(Scripts.Script script, String key, byte[]... args) {
    String[] keys = {key};
    return commands().thenCompose(c -> c.<List<Object>>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args)
            .toCompletableFuture()
            .exceptionallyCompose(e -> {
              Throwable cause = unwrap(e);
              if (cause instanceof RedisNoScriptException
                  || (cause instanceof RedisException && String.valueOf(cause.getMessage()).startsWith("NOSCRIPT"))) {
                // First use on this server (or it restarted): send the source once; Redis caches it by its SHA.
                return c.<List<Object>>eval(script.source(), ScriptOutputType.MULTI, keys, args).toCompletableFuture();
              }
              return CompletableFuture.failedFuture(cause);
            }))
        .handle((reply, e) -> {
          if (e != null) {
            throw unavailable("script", e);
          }
          return reply;
        });
  }

  static String status(List<Object> reply) {
    Object first = reply.get(0);
    return first instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(first);
  }

  static Map<String, byte[]> hashFromList(Object flat) {
    List<?> list = (List<?>) flat;
    Map<String, byte[]> map = new HashMap<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      map.put(new String((byte[]) list.get(i), StandardCharsets.UTF_8), (byte[]) list.get(i + 1));
    }
    return map;
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private RuntimeException unavailable(String what, Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof SessionStoreUnavailableException s) {
      return s;
    }
    if (cause instanceof RedisException || cause instanceof java.io.IOException
        || cause instanceof java.util.concurrent.TimeoutException) {
      return new SessionStoreUnavailableException("Redis " + what + " failed within " + commandTimeout + ": " + cause.getMessage(),
          cause);
    }
    return cause instanceof RuntimeException r ? r : new CompletionException(cause);
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
    CompletableFuture<StatefulConnection<String, byte[]>> c = connection.getAndSet(null);
    if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
      c.join().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** How the near-cache learns that another node changed a session. */
  public enum NearCacheValidation {
    /**
     * Redis server-assisted client-side caching (RESP3 {@code CLIENT TRACKING}): a hit costs no round trip; another
     * node's change reaches this node as an invalidation push (asynchronously, typically well under a
     * millisecond). Standalone and Sentinel only; while the push channel is down, hits fall back to the version check.
     */
    TRACKING,
    /** Every hit checks the session's version field in the same round trip that would fetch it if changed. */
    VERSION_CHECK
  }

  /** Builds a {@link RedisSessionStore}; each option may be set once. */
  public static final class Builder {
    private SessionFactory factory;
    private String uri;
    private List<String> clusterSeeds;
    private String username;
    private char[] password;
    private Duration commandTimeout;
    private Duration connectTimeout;
    private Duration maxReconnectDelay;
    private Duration topologyRefreshPeriod;
    private Duration movedGracePeriod;
    private Long nearCacheSize;
    private Duration nearCacheTtl;
    private NearCacheValidation nearCacheValidation;
    private CommandListener commandListener;

    private Builder() {}

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** Clock, ids, codec, timeouts and metrics; default {@link SessionFactory#defaults()}. */
    public Builder sessions(SessionFactory factory) {
      once(this.factory, "sessions");
      this.factory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * A standalone or Sentinel-managed Redis: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for
     * TLS, or {@code redis-sentinel://host1:26379,host2:26379/0#mymaster}.
     */
    public Builder uri(String uri) {
      once(this.uri, "uri");
      if (clusterSeeds != null) {
        throw new IllegalStateException("uri and clusterSeeds are exclusive (clusterSeeds was already set)");
      }
      Objects.requireNonNull(uri, "uri");
      if (!(uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://")
          || uri.startsWith("rediss-sentinel://"))) {
        throw new IllegalArgumentException("uri: " + uri + " (expected: redis://, rediss:// or redis-sentinel://)");
      }
      RedisURI.create(uri); // validates the rest
      this.uri = uri;
      return this;
    }

    /** A Redis Cluster, given some of its nodes as {@code redis://host:port} (or {@code rediss://}). */
    public Builder clusterSeeds(List<String> seeds) {
      once(this.clusterSeeds, "clusterSeeds");
      if (uri != null) {
        throw new IllegalStateException("uri and clusterSeeds are exclusive (uri was already set)");
      }
      if (seeds.isEmpty()) {
        throw new IllegalArgumentException("clusterSeeds: [] (expected: at least one redis://host:port)");
      }
      for (String s : seeds) {
        if (!(s.startsWith("redis://") || s.startsWith("rediss://"))) {
          throw new IllegalArgumentException("clusterSeeds: " + s + " (expected: redis://host:port or rediss://host:port)");
        }
        RedisURI.create(s);
      }
      this.clusterSeeds = List.copyOf(seeds);
      return this;
    }

    /** ACL user and password (overrides any in the URI); {@code username} may be null for the default user. */
    public Builder credentials(String username, char[] password) {
      once(this.password, "credentials");
      this.username = username;
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /** Every command fails with {@link SessionStoreUnavailableException} after this; default 500 ms. */
    public Builder commandTimeout(Duration timeout) {
      once(this.commandTimeout, "commandTimeout");
      this.commandTimeout = positive("commandTimeout", timeout);
      return this;
    }

    /** TCP connect and handshake timeout; default 2 s (a refused connection fails at once regardless). */
    public Builder connectTimeout(Duration timeout) {
      once(this.connectTimeout, "connectTimeout");
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** Upper bound of the exponential reconnect back-off; default 1 s. */
    public Builder maxReconnectDelay(Duration delay) {
      once(this.maxReconnectDelay, "maxReconnectDelay");
      this.maxReconnectDelay = positive("maxReconnectDelay", delay);
      return this;
    }

    /** Cluster only: periodic topology refresh (redirects and reconnects also trigger one); default 10 s. */
    public Builder topologyRefreshPeriod(Duration period) {
      once(this.topologyRefreshPeriod, "topologyRefreshPeriod");
      this.topologyRefreshPeriod = positive("topologyRefreshPeriod", period);
      return this;
    }

    /** How long the old id keeps leading to the session after an id change; default 10 s. */
    public Builder movedGracePeriod(Duration grace) {
      once(this.movedGracePeriod, "movedGracePeriod");
      this.movedGracePeriod = positive("movedGracePeriod", grace);
      return this;
    }

    /** Keeps up to {@code maximumSize} recently loaded sessions in local memory (see {@link NearCacheValidation}). */
    public Builder nearCache(long maximumSize) {
      once(this.nearCacheSize, "nearCache");
      if (maximumSize < 1) {
        throw new IllegalArgumentException("nearCache: " + maximumSize + " (expected: >= 1)");
      }
      this.nearCacheSize = maximumSize;
      return this;
    }

    /** How long a near-cache entry lives at most, whatever the invalidations; default 10 s. */
    public Builder nearCacheTtl(Duration ttl) {
      once(this.nearCacheTtl, "nearCacheTtl");
      this.nearCacheTtl = positive("nearCacheTtl", ttl);
      return this;
    }

    /** Default {@link NearCacheValidation#TRACKING} (standalone/Sentinel) or VERSION_CHECK (Cluster). */
    public Builder nearCacheValidation(NearCacheValidation validation) {
      once(this.nearCacheValidation, "nearCacheValidation");
      this.nearCacheValidation = Objects.requireNonNull(validation, "validation");
      return this;
    }

    /** Observes every Redis command (used by tests and benchmarks to count round trips). */
    public Builder commandListener(CommandListener listener) {
      once(this.commandListener, "commandListener");
      this.commandListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    public RedisSessionStore build() {
      if (uri == null && clusterSeeds == null) {
        throw new IllegalStateException("neither uri nor clusterSeeds was set (expected: one of them)");
      }
      if (clusterSeeds != null && nearCacheValidation == NearCacheValidation.TRACKING) {
        throw new IllegalStateException("nearCacheValidation: TRACKING (expected: VERSION_CHECK with clusterSeeds)");
      }
      if (nearCacheSize == null && (nearCacheTtl != null || nearCacheValidation != null)) {
        throw new IllegalStateException("nearCacheTtl/nearCacheValidation given without nearCache(maximumSize)");
      }
      return new RedisSessionStore(this);
    }
  }
}
