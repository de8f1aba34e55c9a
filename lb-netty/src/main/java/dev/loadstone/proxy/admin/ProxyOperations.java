package dev.loadstone.proxy.admin;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.health.HealthChecker;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.ExchangeListener;
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
  private final HealthChecker checker;
  private final PoolAdmin admin;
  private final ExchangeFeed feed;
  private final AdminServer server;

  private ProxyOperations(BackendPool pool, HealthCheckSettings health, Duration drainTimeout,
      InetSocketAddress adminAddress, AdminToken token) {
    this.pool = Objects.requireNonNull(pool, "pool");
    AdminServer.checkExposure(adminAddress == null ? AdminServer.DEFAULT_ADDRESS : adminAddress, token); // before any thread starts
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.metrics = ProxyMetrics.create(pool);
    this.checker = HealthChecker.builder(pool, group).settings(health).observer(metrics).build();
    this.admin = new PoolAdmin(pool, drainTimeout, group.next());
    this.feed = new ExchangeFeed(metrics, checker);
    AdminServer.Builder b = AdminServer.builder(admin, metrics).healthChecker(checker).group(group)
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
    return new ProxyOperations(pool, health, drainTimeout, adminAddress, token);
  }

  /** What the proxy must report its exchanges to. */
  public ExchangeListener listener() {
    return feed;
  }

  /** Starts health checks (the pool's backends are checked at once) and binds the admin server. */
  public ProxyOperations start() throws InterruptedException {
    checker.start();
    try {
      server.start();
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
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
    checker.close();
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
