package dev.loadstone.session.redis;

import dev.loadstone.session.SessionStoreUnavailableException;
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
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One Lettuce connection to a standalone, Sentinel-managed or Cluster Redis, shared by everything a store (or a
 * revocation list) sends, and the topology handling around it.
 *
 * <p>Connecting is asynchronous and never on a caller's thread or the common pool: a Cluster's topology is loaded
 * with {@code refreshPartitionsAsync}, then the connection opens to every master up front. A failed connect is not
 * retried by every request: for a back-off that doubles from 100 ms up to {@code maxReconnectDelay}, operations
 * fail at once with {@link SessionStoreUnavailableException}, the way Lettuce paces its own reconnects (which take
 * over once a connection exists). Every command has a timeout, commands are rejected while disconnected, and
 * nothing is replayed after a reconnect.
 */
final class RedisConnection implements AutoCloseable {
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** Where and how to connect. {@code uri} or {@code clusterSeeds}; {@code password} may be null. */
  record Settings(String uri, List<String> clusterSeeds, String username, char[] password, Duration commandTimeout,
      Duration connectTimeout, Duration maxReconnectDelay, Duration topologyRefreshPeriod, boolean resp3,
      CommandListener listener) {}

  private final Settings settings;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final RedisURI standaloneUri;
  private final AtomicReference<CompletableFuture<StatefulConnection<String, byte[]>>> connection = new AtomicReference<>();
  /** Runs on each new standalone connection before it is used (the near-cache turns tracking on). */
  private volatile Function<StatefulRedisConnection<String, byte[]>, CompletableFuture<?>> onConnect;
  private volatile long retryAtNanos;
  private volatile int failures;
  private volatile Throwable lastFailure;

  RedisConnection(Settings s) {
    LettuceFloor.check();
    this.settings = s;
    this.resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), s.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
        .build();
    SocketOptions socket = SocketOptions.builder().connectTimeout(s.connectTimeout()).keepAlive(true).build();
    if (s.clusterSeeds() != null) {
      this.standaloneUri = null;
      List<RedisURI> seeds = new ArrayList<>();
      for (String seed : s.clusterSeeds()) {
        seeds.add(withCredentials(RedisURI.create(seed)));
      }
      RedisClusterClient c = RedisClusterClient.create(resources, seeds);
      ClusterClientOptions.Builder options = ClusterClientOptions.builder();
      options.maxRedirects(5);
      options.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
          .enablePeriodicRefresh(s.topologyRefreshPeriod())
          .enableAllAdaptiveRefreshTriggers()
          .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
          .refreshTriggersReconnectAttempts(2)
          .dynamicRefreshSources(true)
          .closeStaleConnections(true)
          .build());
      options.autoReconnect(true);
      options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
      options.replayFilter(command -> true);
      options.timeoutOptions(TimeoutOptions.enabled(s.commandTimeout()));
      options.socketOptions(socket);
      c.setOptions(options.build());
      this.client = c;
    } else {
      this.standaloneUri = withCredentials(RedisURI.create(s.uri()));
      RedisClient c = RedisClient.create(resources);
      ClientOptions.Builder options = ClientOptions.builder()
          .autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .replayFilter(command -> true)
          .timeoutOptions(TimeoutOptions.enabled(s.commandTimeout()))
          .socketOptions(socket);
      if (s.resp3()) {
        options.protocolVersion(ProtocolVersion.RESP3);
      }
      c.setOptions(options.build());
      this.client = c;
    }
    if (s.listener() != null) {
      client.addListener(s.listener());
    }
  }

  private RedisURI withCredentials(RedisURI uri) {
    if (settings.password() != null) {
      char[] password = settings.password().clone();
      String username = settings.username();
      uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> RedisCredentials.just(username, password)));
    }
    uri.setTimeout(settings.connectTimeout());
    return uri;
  }

  boolean cluster() {
    return standaloneUri == null;
  }

  void onConnect(Function<StatefulRedisConnection<String, byte[]>, CompletableFuture<?>> hook) {
    this.onConnect = hook;
  }

  /** The commands, once connected; fails fast with {@link SessionStoreUnavailableException} while backing off. */
  CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> commands() {
    CompletableFuture<StatefulConnection<String, byte[]>> current = connection.get();
    if (current == null || current.isCompletedExceptionally()) {
      long wait = retryAtNanos - System.nanoTime();
      if (current != null && wait > 0) {
        return CompletableFuture.failedFuture(new SessionStoreUnavailableException("Redis unreachable (next connect "
            + "attempt in " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms): " + lastFailure, lastFailure));
      }
      CompletableFuture<StatefulConnection<String, byte[]>> fresh = new CompletableFuture<>();
      if (!connection.compareAndSet(current, fresh)) {
        return commands();
      }
      connect().whenComplete((c, e) -> {
        if (e != null) {
          Throwable cause = unwrap(e);
          lastFailure = cause;
          long delay = Math.min(settings.maxReconnectDelay().toNanos(),
              TimeUnit.MILLISECONDS.toNanos(100) << Math.min(failures++, 20));
          retryAtNanos = System.nanoTime() + delay;
          fresh.completeExceptionally(unavailable("connect", cause));
        } else {
          failures = 0;
          fresh.complete(c);
        }
      });
      current = fresh;
    }
    return current.thenApply(RedisConnection::asyncCommands);
  }

  @SuppressWarnings("unchecked")
  private static RedisClusterAsyncCommands<String, byte[]> asyncCommands(StatefulConnection<String, byte[]> c) {
    if (c instanceof StatefulRedisConnection<String, byte[]> standalone) {
      return standalone.async();
    }
    return ((StatefulRedisClusterConnection<String, byte[]>) c).async();
  }

  private CompletableFuture<StatefulConnection<String, byte[]>> connect() {
    if (cluster()) {
      RedisClusterClient c = (RedisClusterClient) client;
      return c.refreshPartitionsAsync().toCompletableFuture()
          .thenCompose(v -> c.connectAsync(CODEC))
          .thenCompose(RedisConnection::warmUp);
    }
    CompletableFuture<StatefulConnection<String, byte[]>> connected =
        ((RedisClient) client).connectAsync(CODEC, standaloneUri).toCompletableFuture().thenApply(c -> c);
    Function<StatefulRedisConnection<String, byte[]>, CompletableFuture<?>> hook = onConnect;
    if (hook == null) {
      return connected;
    }
    return connected.thenCompose(c -> hook.apply((StatefulRedisConnection<String, byte[]>) c).thenApply(ok -> c));
  }

  /**
   * Opens the connection to every master up front: Lettuce opens node connections lazily, and with commands
   * rejected while disconnected the first command to each node would otherwise fail.
   */
  private static CompletableFuture<StatefulConnection<String, byte[]>> warmUp(StatefulRedisClusterConnection<String, byte[]> c) {
    List<CompletableFuture<?>> nodes = new ArrayList<>();
    for (RedisClusterNode node : c.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        nodes.add(c.getConnectionAsync(node.getNodeId()));
        nodes.add(c.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
      }
    }
    return CompletableFuture.allOf(nodes.toArray(new CompletableFuture<?>[0]))
        .handle((v, e) -> c); // a node that is down now is simply not warm; its commands fail fast
  }

  /** Runs a script on the keys of one slot; sends the source once after NOSCRIPT. */
  CompletableFuture<List<Object>> eval(Scripts.Script script, String[] keys, byte[]... args) {
    return commands().thenCompose(c -> c.<List<Object>>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args)
            .toCompletableFuture()
            .exceptionallyCompose(e -> {
              Throwable cause = unwrap(e);
              if (cause instanceof RedisNoScriptException
                  || (cause instanceof RedisException && String.valueOf(cause.getMessage()).startsWith("NOSCRIPT"))) {
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

  /** {@code stage} with Redis failures turned into {@link SessionStoreUnavailableException}. */
  <T> CompletableFuture<T> guard(String what, CompletableFuture<T> stage) {
    return stage.handle((value, e) -> {
      if (e != null) {
        throw unavailable(what, e);
      }
      return value;
    });
  }

  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  RuntimeException unavailable(String what, Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof SessionStoreUnavailableException s) {
      return s;
    }
    if (cause instanceof RedisException || cause instanceof java.io.IOException
        || cause instanceof java.util.concurrent.TimeoutException) {
      return new SessionStoreUnavailableException("Redis " + what + " failed within " + settings.commandTimeout() + ": "
          + cause.getMessage(), cause);
    }
    return cause instanceof RuntimeException r ? r : new CompletionException(cause);
  }

  @Override
  public void close() {
    CompletableFuture<StatefulConnection<String, byte[]>> c = connection.getAndSet(null);
    if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
      c.join().close();
    }
    // A quiet period, so that a connect a topology refresh or reconnect started just before (its channel
    // registering on an I/O thread) is closed by the event loop instead of dropped still registered, which
    // would leak the buffer Lettuce allocates on registration.
    client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
