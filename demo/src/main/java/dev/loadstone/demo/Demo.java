package dev.loadstone.demo;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.ProxyConfig;
import dev.loadstone.proxy.ProxyConfigBuilder;
import dev.loadstone.proxy.ProxyServer;
import dev.loadstone.proxy.admin.ProxyOperations;
import dev.loadstone.proxy.scaling.ScalingConfig;
import dev.loadstone.proxy.scaling.ScalingService;
import dev.loadstone.lb.scaling.Rule;
import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.token.KeyRing;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.redis.RedisRevocationLists;
import dev.loadstone.session.token.TokenSessionStore;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running demo: three servlet applications sharing sessions, the proxy in front of them with active
 * health checks, the proxy's admin API and its scaling advisor (a recommendation on the status page). {@link #close()} stops everything it started.
 */
final class Demo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);

  /** What to start. Ports may be 0 for the proxy and admin (tests); application ports must be fixed. */
  record Settings(String host, int proxyPort, int adminPort, List<Integer> appPorts, StoreKind store, String redisUri, boolean tls) {
    Settings {
      Objects.requireNonNull(store, "store");
      if (appPorts.size() != 3) {
        throw new IllegalArgumentException("app ports: " + appPorts + " (expected: three ports)");
      }
      if (store == StoreKind.REDIS && redisUri == null) {
        throw new IllegalArgumentException("store redis: no Redis URL (expected: --redis redis://host:port or REDIS_URL)");
      }
    }
  }

  private final Settings settings;
  private final List<DemoApp> apps = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ExecutorService control = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "demo-control");
    t.setDaemon(true);
    return t;
  });
  /** Applications whose stop was accepted but has not finished. */
  private final java.util.Set<String> stopping = new java.util.HashSet<>();
  private ProxyOperations operations;
  private ProxyServer proxy;
  private ScalingService scaling;

  private Demo(Settings settings) {
    this.settings = settings;
  }

  static Demo start(Settings settings) throws Exception {
    Demo demo = new Demo(settings);
    try {
      demo.startAll();
    } catch (Exception | Error e) {
      demo.close();
      throw e;
    }
    return demo;
  }

  private void startAll() throws Exception {
    List<SessionStore> stores = stores();
    for (int i = 0; i < 3; i++) {
      DemoApp app = new DemoApp("app-" + (i + 1), settings.appPorts().get(i), stores.get(i), this);
      apps.add(app);
      app.start();
    }
    ProxyConfigBuilder config = ProxyConfig.builder()
        .listen(new InetSocketAddress(settings.host(), settings.proxyPort()))
        .admin(new InetSocketAddress(settings.host(), settings.adminPort()))
        .health(HealthCheckSettings.builder()
            .type(HealthCheckSettings.Type.HTTP)
            .path("/health")
            .interval(Duration.ofMillis(500))
            .timeout(Duration.ofSeconds(1))
            .rise(1)
            .fall(2)
            .build())
        .scaling(scalingConfig());
    for (DemoApp app : apps) {
      config.addBackend(Backend.of(app.name(), settings.host() + ":" + app.port(), 1));
    }
    if (settings.tls()) { // a self-signed certificate made now
      config.tls(dev.loadstone.proxy.tls.TlsSettings.builder().keystore(SelfSignedCertificate.generate())
          .keystorePassword(SelfSignedCertificate.PASSWORD).build());
    }
    ProxyConfig cfg = config.build();
    BackendPool pool = ProxyServer.newPool(cfg); // round robin (the config's default), the three apps UP
    operations = ProxyOperations.create(pool, cfg.health(), cfg.drainTimeout(), cfg.admin(), null);
    proxy = ProxyServer.builder(cfg).pool(pool).listener(operations.listener()).start();
    operations.start();
    scaling = new ScalingService(cfg.scaling(), operations.admin(), operations.metrics(), proxy.loadReports(), Clock.systemUTC()).start();
    operations.scaling(scaling::json); // the status page shows its recommendation
  }

  /**
   * The demo's scaling advisor: a recommendation only (no hook, no drain), between 2 and the 3 applications,
   * every 2 s: one more above 5 requests/s per backend, one fewer below 1, with a 30 s cooldown and a 1-minute
   * scale-in window, so clicking around the demo moves it and the status page shows why.
   */
  static ScalingConfig scalingConfig() {
    return new ScalingConfig(Duration.ofSeconds(2), 2, 3, Duration.ofSeconds(30), Duration.ofMinutes(1),
        List.of(Rule.threshold("rps-per-backend > 5", 1), Rule.threshold("rps-per-backend < 1", -1)), List.of(), null,
        List.of(), null, ScalingConfig.DEFAULT_HOOK_TIMEOUT, null, null, false);
  }

  private List<SessionStore> stores() {
    List<SessionStore> stores = new ArrayList<>();
    switch (settings.store()) {
      case TOKEN -> {
        KeyRing keys = KeyRing.generate("demo", new SecureRandom()); // one key, shared by the three apps
        RevocationList revocations = null;
        if (settings.redisUri() != null) {
          revocations = RedisRevocationLists.connect(settings.redisUri(), Duration.ofSeconds(2));
          closeables.add(revocations);
        }
        for (int i = 0; i < 3; i++) {
          TokenSessionStore.Builder b = TokenSessionStore.builder().keyRing(keys);
          if (revocations != null) {
            b.revocationList(revocations);
          }
          stores.add(b.build());
        }
      }
      case MEMORY -> {
        for (int i = 0; i < 3; i++) {
          stores.add(InMemorySessionStore.builder().build());
        }
      }
      case REDIS -> stores.addAll(RedisDemoStores.create(settings.redisUri(), closeables));
    }
    for (SessionStore s : stores) {
      closeables.add(s);
    }
    return stores;
  }

  List<DemoApp> apps() {
    return apps;
  }

  DemoApp app(String name) {
    for (DemoApp app : apps) {
      if (app.name().equals(name)) {
        return app;
      }
    }
    return null;
  }

  String storeName() {
    return settings.store().name().toLowerCase(Locale.ROOT);
  }

  InetSocketAddress proxyAddress() {
    return proxy.localAddress();
  }

  InetSocketAddress adminAddress() {
    return operations.adminAddress();
  }

  String proxyUrl() {
    return (settings.tls() ? "https://" : "http://") + proxyAddress().getHostString() + ":" + proxyAddress().getPort() + "/";
  }

  String adminUrl() {
    return "http://" + adminAddress().getHostString() + ":" + adminAddress().getPort() + "/";
  }

  /** Stops an application after the current request; null when accepted, else why not. */
  String requestStop(String name) {
    DemoApp app = app(name);
    if (app == null) {
      return "unknown server '" + name + "' (expected one of app-1, app-2, app-3)";
    }
    synchronized (stopping) {
      long running = apps.stream().filter(a -> a.isRunning() && !stopping.contains(a.name())).count();
      if (app.isRunning() && !stopping.contains(name) && running <= 1) {
        return "not stopping " + name + ": it is the last one running";
      }
      stopping.add(name);
    }
    control.execute(() -> {
      try {
        app.stop();
        log.info("{} stopped", name);
      } catch (Exception e) {
        log.warn("{} did not stop cleanly: {}", name, e.toString());
      } finally {
        synchronized (stopping) {
          stopping.remove(name);
        }
      }
    });
    return null;
  }

  /** Starts a stopped application; null when accepted, else why not. */
  String requestStart(String name) {
    DemoApp app = app(name);
    if (app == null) {
      return "unknown server '" + name + "' (expected one of app-1, app-2, app-3)";
    }
    control.execute(() -> {
      try {
        app.start();
        log.info("{} started", name);
      } catch (Exception e) {
        log.warn("{} did not start: {}", name, e.toString());
      }
    });
    return null;
  }

  /** Lines to print: where to point a browser. */
  List<String> urls() {
    List<String> lines = new ArrayList<>();
    lines.add("Loadstone demo is running (" + storeName() + " sessions).");
    lines.add("  Open      " + proxyUrl() + "   (the proxy in front of the three apps)");
    lines.add("  Admin API " + adminUrl() + "   (backends, health, /metrics)");
    for (DemoApp app : apps) {
      lines.add("  " + app.name() + "     http://" + settings.host() + ":" + app.port() + "/");
    }
    lines.add("  JSON      " + proxyUrl() + "whoami");
    lines.add("Press Ctrl+C to stop.");
    return lines;
  }

  @Override
  public void close() {
    control.shutdownNow();
    try {
      control.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (scaling != null) {
      scaling.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (operations != null) {
      operations.close();
    }
    for (DemoApp app : apps) {
      try {
        app.stop();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly: {}", app.name(), e.toString());
      }
    }
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("close failed: {}", e.toString());
      }
    }
  }
}
