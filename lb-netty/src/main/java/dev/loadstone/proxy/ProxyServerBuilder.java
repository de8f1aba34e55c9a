package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Ticker;
import dev.loadstone.proxy.accesslog.AccessLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/** Options for starting a {@link ProxyServer} ({@link ProxyServer#builder}); each may be set once except {@link #listener}. */
public final class ProxyServerBuilder {
  final ProxyConfig config;
  final List<ExchangeListener> listeners = new ArrayList<>();
  BackendPool pool;
  Ticker ticker;
  int threads;
  boolean forceNio;
  AccessLog accessLog;
  boolean watchTls;

  ProxyServerBuilder(ProxyConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Adds an observer of exchanges (metrics, passive health checks). */
  public ProxyServerBuilder listener(ExchangeListener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
    return this;
  }

  public ProxyServerBuilder listeners(List<? extends ExchangeListener> ls) {
    ls.forEach(this::listener);
    return this;
  }

  /**
   * Uses this pool instead of building one from the config (its balancer, backends and health are the
   * caller's; the config's backends and algorithm are then ignored).
   */
  public ProxyServerBuilder pool(BackendPool p) {
    if (pool != null) {
      throw new IllegalStateException("pool was already set");
    }
    pool = Objects.requireNonNull(p, "pool");
    return this;
  }

  /** The ticker of the pool built from the config (default: the system ticker). */
  public ProxyServerBuilder ticker(Ticker t) {
    if (ticker != null) {
      throw new IllegalStateException("ticker was already set");
    }
    ticker = Objects.requireNonNull(t, "ticker");
    return this;
  }

  /** Event loop threads; 0 (the default) means one per available processor, like HAProxy's nbthread. */
  public ProxyServerBuilder eventLoopThreads(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("eventLoopThreads: " + n + " (expected: >= 0)");
    }
    threads = n;
    return this;
  }

  /** Uses this access log instead of the one the config names; the server closes it when it stops. */
  public ProxyServerBuilder accessLog(AccessLog log) {
    if (accessLog != null) {
      throw new IllegalStateException("accessLog was already set");
    }
    accessLog = Objects.requireNonNull(log, "accessLog");
    return this;
  }

  /** Reloads the TLS certificates when one of their files changes (the standalone proxy, with watch-config). */
  public ProxyServerBuilder watchTlsFiles(boolean on) {
    watchTls = on;
    return this;
  }

  /** Uses NIO even where epoll is available (tests). */
  public ProxyServerBuilder forceNio() {
    forceNio = true;
    return this;
  }

  /** Binds and starts; throws {@link UncheckedIOException} when the address cannot be bound. */
  public ProxyServer start() {
    ProxyServer s = new ProxyServer(this);
    LoggerFactory.getLogger(ProxyServer.class).info("proxy listening on {} ({} transport{})", s.localAddress(),
        s.transportName(), s.tlsProvider() == null ? "" : ", TLS by " + s.tlsProvider());
    return s;
  }
}
