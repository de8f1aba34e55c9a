package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Ticker;
import dev.loadstone.proxy.accesslog.AccessLog;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running reverse proxy. Start one with {@link #start(ProxyConfig)} or {@link #builder(ProxyConfig)};
 * {@link #close()} stops it at once, {@link #shutdownGracefully(Duration)} lets in-flight exchanges finish.
 * One event loop group serves the clients and the backend connections (epoll when available, NIO
 * otherwise); a client connection and its backend connections share a thread.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyConfig config;
  private final BackendPool pool;
  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final ChannelGroup clients;
  private final ConnectionLimit connectionLimit;
  private final ProxyContext context;
  private final boolean epoll;
  private final String transportName;
  private final io.netty.resolver.AddressResolverGroup<InetSocketAddress> resolver;
  private final Class<? extends ServerSocketChannel> serverChannelType;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final AccessLog accessLog; // null: off
  private final AcceptErrors acceptErrors = new AcceptErrors(Ticker.system(), AcceptErrors.INTERVAL);
  private final dev.loadstone.proxy.tls.ServerTls tls; // null: plain HTTP
  private final Channel redirectChannel; // null: no redirect-listen

  ProxyServer(ProxyServerBuilder b) { // started by ProxyServerBuilder#start()
    this.config = b.config;
    // First: a file that cannot be opened fails the start before any thread exists.
    io.netty.handler.ssl.SslContext backendTls = dev.loadstone.proxy.tls.BackendTls.context(config.tls());
    this.accessLog = b.accessLog != null ? b.accessLog : AccessLog.open(config.accessLog(), config.accessLogFormat());
    this.pool = b.pool != null ? b.pool : Balancing.newPool(config, b.ticker);
    if (b.pool == null) {
      pool.addAll(config.backends(), Health.UP);
    }
    Transport transport = Transport.choose(b.forceNio ? Transport.Kind.NIO : Transport.Kind.parse(config.transport()));
    this.epoll = transport.kind() != Transport.Kind.NIO;
    this.transportName = transport.kind().text;
    Class<? extends ServerSocketChannel> serverClass = transport.server();
    this.serverChannelType = serverClass;
    int threads = b.threads > 0 ? b.threads
        : config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
    this.group = new MultiThreadIoEventLoopGroup(threads, transport.ioHandlers());
    this.resolver = transport.resolver();
    Map<EventExecutor, BackendConnections> conns = new IdentityHashMap<>();
    for (EventExecutor e : group) {
      conns.put(e, new BackendConnections((EventLoop) e, transport.client(), config, resolver, backendTls));
    }
    List<Cidr> trusted = config.trustedProxies().stream().map(Cidr::parse).collect(Collectors.toList());
    RequestHeaderPolicy headers =
        new RequestHeaderPolicy(trusted, config.stripRequestHeaders(), TrailerPolicy.allowing("forward-trailers", config.forwardedTrailers()),
            config.tls().clientSubjectHeader());
    this.context = new ProxyContext(config, pool, new Listeners(b.listeners), headers, conns, accessLog);
    this.clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    if (context.queue != null) {
      pool.onRelease(context.queue::wake);
    }
    this.connectionLimit = ConnectionLimit.of(config, context.listeners);
    Channel redirect = null;
    Channel server = null;
    try {
      this.tls = config.tls().enabled() // a certificate that does not load fails the start, naming the file
          ? dev.loadstone.proxy.tls.ServerTls.create(config.tls(), ProxyInitializer.alpnProtocols(config), config.headerTimeout()) : null;
      server = Listening.bind(group, serverClass, new ProxyInitializer(context, clients, connectionLimit, tls),
          config.listen(), acceptErrors);
      connectionLimit.attach(server);
      if (config.tls().redirectListen() != null) {
        redirect = Listening.bindRedirect(group, serverClass, config, ((InetSocketAddress) server.localAddress()).getPort());
      }
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      resolver.close();
      if (accessLog != null) {
        accessLog.close();
      }
      throw e;
    }
    this.serverChannel = server;
    this.redirectChannel = redirect;
    if (tls != null) {
      tls.start(b.watchTls);
    }
  }

  /** Starts a proxy with the configured backends (all UP) and no listeners. */
  public static ProxyServer start(ProxyConfig config) {
    return builder(config).start();
  }

  public static ProxyServerBuilder builder(ProxyConfig config) {
    return new ProxyServerBuilder(config);
  }

  /** The address the proxy listens on (the real port when the config asked for port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * The pool this config describes (its algorithm, sticky cookies and slow start) holding the config's
   * backends, UP. For callers that wire health checks or an admin API to the pool before the proxy starts
   * (then pass it to {@link ProxyServerBuilder#pool}); {@link #start} builds the same pool itself otherwise.
   */
  public static BackendPool newPool(ProxyConfig config) {
    BackendPool pool = Balancing.newPool(config, null);
    pool.addAll(config.backends(), Health.UP);
    return pool;
  }

  /** The backend pool: change health, admin state, weights or membership here; the proxy follows. */
  /** The CPU reports read from backends' responses ({@code scaling.cpu-header}), or null when none is configured. */
  public dev.loadstone.proxy.scaling.LoadReports loadReports() {
    return context.loadReports;
  }

  public BackendPool pool() {
    return pool;
  }

  public ProxyConfig config() {
    return config;
  }

  /**
   * The event loop group serving the proxy, for servers that should share it (e.g. the admin API); bind
   * them with {@link #serverChannelType()}. Do not shut it down: {@link #close()} does.
   */
  public EventLoopGroup eventLoopGroup() {
    return group;
  }

  /** The server channel class matching {@link #eventLoopGroup()} (epoll or NIO). */
  public Class<? extends ServerSocketChannel> serverChannelType() {
    return serverChannelType;
  }

  /** {@code OpenSSL} or {@code JDK}: the TLS provider serving handshakes, or null without TLS. */
  public String tlsProvider() {
    return tls == null ? null : tls.providerName();
  }

  /** Loads the TLS certificate files again (SIGHUP); false when a file was refused and the old ones stay. */
  public boolean reloadTls() {
    return tls != null && tls.reload();
  }

  /** The redirect-listen address (the real port when it asked for port 0), or null. */
  public InetSocketAddress redirectAddress() {
    return redirectChannel == null ? null : (InetSocketAddress) redirectChannel.localAddress();
  }

  /** Whether a native transport (epoll or io_uring) is in use. */
  public boolean isEpoll() {
    return epoll;
  }

  /** The transport serving: {@code epoll}, {@code io_uring} or {@code nio}. */
  public String transportName() {
    return transportName;
  }

  /** The effective global connection limit ({@code max-connections}, or the automatic one). */
  public int maxConnections() {
    return connectionLimit.max();
  }

  /** Requests waiting for a backend below {@code backend-max-connections} now. */
  public int queuedRequests() {
    return context.queue == null ? 0 : context.queue.size();
  }

  /** Open client connections. */
  public int clientConnections() {
    return clients.size();
  }

  /** Access log lines dropped because its queue was full or a write failed (0 when the log is off). */
  public long accessLogDropped() {
    return accessLog == null ? 0 : accessLog.dropped();
  }

  /** Reopens the access log file (SIGUSR1, after logrotate renamed it); nothing when it is stdout or off. */
  public void reopenAccessLog() {
    if (accessLog != null) {
      accessLog.reopen();
    }
  }

  /** Connections that could not be accepted (at the descriptor limit, mostly) since start. */
  public long acceptErrors() {
    return acceptErrors.count();
  }

  /** Stops accepting and closes every connection now. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    context.draining = true;
    if (context.queue != null) {
      pool.onRelease(null);
    }
    serverChannel.close().syncUninterruptibly();
    if (redirectChannel != null) {
      redirectChannel.close().syncUninterruptibly();
    }
    if (tls != null) {
      tls.close();
    }
    clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    closeBackendConnections();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    resolver.close();
    if (accessLog != null) {
      accessLog.close(); // after the loops stopped: every exchange's line is queued
    }
  }

  /**
   * Stops accepting, closes idle client connections, lets in-flight exchanges finish (their responses
   * carry {@code Connection: close}), and closes whatever is left at the deadline. Completes when stopped.
   */
  public CompletableFuture<Void> shutdownGracefully(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.draining = true;
    serverChannel.close();
    if (redirectChannel != null) {
      redirectChannel.close();
    }
    for (Channel c : clients) {
      c.eventLoop().execute(() -> c.pipeline().fireUserEventTriggered(ClientConnection.Drain.INSTANCE));
    }
    Thread t = new Thread(() -> {
      long end = System.nanoTime() + deadline.toNanos();
      while (!clients.isEmpty() && System.nanoTime() < end) {
        clients.newCloseFuture().awaitUninterruptibly(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
      }
      close();
      done.complete(null);
    }, "lb-proxy-shutdown");
    t.setDaemon(true);
    t.start();
    return done;
  }

  private void closeBackendConnections() {
    for (EventExecutor e : group) {
      if (!e.isShuttingDown()) {
        try {
          e.submit(() -> context.connections((EventLoop) e).closeAll()).awaitUninterruptibly(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
          // already stopping
        }
      }
    }
  }
}
