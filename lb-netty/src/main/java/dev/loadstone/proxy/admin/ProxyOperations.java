package dev.loadstone.proxy.admin;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.health.HealthChecker;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.ExchangeListener;
import dev.loadstone.proxy.ProxyConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Everything around the proxy's data path, wired together: the health checker (on its own one-thread event
 * loop group), metrics, the exchange feed the proxy calls, live pool changes and the admin server. Create it
 * over the proxy's pool before the proxy starts (the proxy takes {@link #listener()}), then {@link #start()}.
 */
public final class ProxyOperations implements AutoCloseable {
  private final EventLoopGroup group;
  private final BackendPool pool;
  private final ProxyMetrics metrics;
  private final LiveHealthChecker checker;
  private final PoolAdmin admin;
  private final ExchangeFeed feed;
  private final AdminServer server;
  private final ServerStatus status = new ServerStatus(java.time.Clock.systemUTC());
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private ProxyOperations(BackendPool pool, HealthCheckSettings health, Duration drainTimeout,
      InetSocketAddress adminAddress, AdminToken token, List<Duration> latencyBuckets, io.netty.handler.ssl.SslContext backendTls) {
    this.pool = Objects.requireNonNull(pool, "pool");
    AdminServer.checkExposure(adminAddress == null ? AdminServer.DEFAULT_ADDRESS : adminAddress, token); // before any thread starts
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.metrics = ProxyMetrics.createBindingJvmLater(pool, latencyBuckets); // bound by start()
    this.checker = new LiveHealthChecker(health, s -> {
      HealthChecker.Builder hb = HealthChecker.builder(pool, group).settings(s).observer(metrics);
      return (backendTls == null ? hb : hb.tls(backendTls)).build();
    });
    this.admin = new PoolAdmin(pool, drainTimeout, group.next());
    this.feed = new ExchangeFeed(metrics, checker);
    AdminServer.Builder b = AdminServer.builder(admin, metrics).healthChecker(checker).group(group).status(status)
        .address(adminAddress == null ? AdminServer.DEFAULT_ADDRESS : adminAddress);
    if (token != null) {
      b.token(token);
    }
    this.server = b.build();
  }

  /**
   * @param adminAddress where the admin server listens (null: 127.0.0.1:9090)
   * @param token the admin token (mutating calls need it; every call when the address is not loopback), or null
   *     for none, which only a loopback address allows
   */
  public static ProxyOperations create(BackendPool pool, HealthCheckSettings health, Duration drainTimeout,
      InetSocketAddress adminAddress, AdminToken token) {
    return new ProxyOperations(pool, health, drainTimeout, adminAddress, token, ProxyConfig.DEFAULT_LATENCY_BUCKETS, null);
  }

  /** Operations as {@code config} says: health checks, drain timeout, admin address and latency buckets. */
  public static ProxyOperations create(BackendPool pool, ProxyConfig config, AdminToken token) {
    return new ProxyOperations(pool, config.health(), config.drainTimeout(), config.admin(), token, config.latencyBuckets(),
        dev.loadstone.proxy.tls.BackendTls.context(config.tls()));
  }

  /** What the status page and /api/status say at the top: the algorithm and the listeners. */
  public void describe(String algorithm, List<String> listeners) {
    status.describe(algorithm, listeners);
  }

  /** Publishes the scaling advisor's view at {@code GET /api/scaling} and in {@code /api/status} (null: off). */
  public void scaling(java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> view) {
    status.scaling(view);
  }

  /** Whether the proxy is listening and not shutting down: {@code /readyz} says ready only then (with a backend up). */
  public void serving(boolean on) {
    status.serving(on);
  }

  /** Binds the admin address without logging (see {@link AdminServer#bind()}); {@link #start()} then announces it. */
  public ProxyOperations bindAdmin() throws InterruptedException {
    try {
      server.bind();
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    return this;
  }

  /** Applies a reloaded drain timeout and admin token (the token is refused when the admin address needs one). */
  public void reconfigure(Duration drainTimeout, AdminToken token) {
    server.token(token);
    admin.drainTimeout(drainTimeout);
  }

  /**
   * Applies reloaded health-check settings: when they differ, the checker is replaced by one with the new
   * settings (backends keep the health they have; a DOWN one comes UP after {@code rise} passing checks).
   * Returns whether they differed.
   */
  public boolean health(HealthCheckSettings settings) {
    return checker.replace(settings);
  }

  /** What the proxy must report its exchanges to. */
  public ExchangeListener listener() {
    return feed;
  }

  /**
   * Binds the admin server (unless {@link #bindAdmin()} did), the JVM and process meters, and starts health
   * checks (the pool's backends at once).
   */
  public ProxyOperations start() throws InterruptedException {
    metrics.bindJvmAndProcess(); // after the proxy's port is bound (Main): its first request does not wait for this
    try {
      server.bind();
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    checker.start();
    server.start(); // bound: only announces
    return this;
  }

  /** Applies a reloaded backend list as a diff (see {@link PoolAdmin#apply}). */
  public PoolAdmin.Diff reload(List<Backend> backends) {
    return admin.apply(backends);
  }

  public InetSocketAddress adminAddress() {
    return server.localAddress();
  }

  public BackendPool pool() {
    return pool;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  public HealthChecker healthChecker() {
    return checker;
  }

  public PoolAdmin admin() {
    return admin;
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    checker.close();
    server.close();
    metrics.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
