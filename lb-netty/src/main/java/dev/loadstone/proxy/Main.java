package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.admin.AdminToken;
import dev.loadstone.proxy.admin.ConfigWatcher;
import dev.loadstone.proxy.admin.PoolAdmin;
import dev.loadstone.proxy.admin.ProxyOperations;
import dev.loadstone.proxy.admin.Signals;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The standalone proxy: {@code java -jar lb-proxy.jar --listen HOST:PORT --backend HOST:PORT ...}. */
@Command(
    name = "lb-proxy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    version = "Loadstone proxy 0.1.0",
    description = "An HTTP/1.1 and WebSocket reverse proxy. Settings come from --config (YAML) and flags; flags win.")
public final class Main implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (keys are the long flag names).")
  Path config;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to accept clients on (default: " + ProxyConfig.DEFAULT_LISTEN + ").")
  String listen;

  @Option(names = "--backend", paramLabel = "HOST:PORT[,weight=N][,id=NAME]", description = "A backend (repeatable). Replaces the file's backends.")
  List<String> backends;

  @Option(names = "--algorithm", paramLabel = "NAME", description = "round-robin (default), weighted-round-robin, least-connections, power-of-two, random, consistent-hash.")
  String algorithm;

  @Option(names = "--hash-key", paramLabel = "SPEC", description = "Key for consistent-hash: header:NAME, cookie:NAME, client-ip or path.")
  String hashKey;

  @Option(names = "--sticky-cookie", paramLabel = "NAME", description = "Turn sticky sessions on with this cookie name.")
  String stickyCookie;

  @Option(names = "--sticky-key-file", paramLabel = "FILE", description = "Cookie signing keys, lines 'KEY_ID BASE64_SECRET'; the first signs.")
  String stickyKeyFile;

  @Option(names = "--admin", paramLabel = "HOST:PORT", description = "Admin API, /metrics and status page address (default: 127.0.0.1:9090).")
  String admin;

  @Option(names = "--admin-token-file", paramLabel = "FILE", description = "Bearer token required for mutating admin calls (else env " + AdminToken.ENV + ", else none).")
  String adminTokenFile;

  @Option(names = "--health-type", paramLabel = "TYPE", description = "http, tcp or none (default: http when --health-path is given, else tcp).")
  String healthType;

  @Option(names = "--health-path", paramLabel = "PATH", description = "HTTP health-check path, e.g. /healthz (expects 200-399).")
  String healthPath;

  @Option(names = "--health-interval", paramLabel = "DURATION", description = "Time between checks, +-10% jitter (default: 2s).")
  String healthInterval;

  @Option(names = "--health-timeout", paramLabel = "DURATION", description = "Check timeout (default: 1s).")
  String healthTimeout;

  @Option(names = "--health-rise", paramLabel = "N", description = "Passing checks that bring a backend UP (default: 2).")
  Integer healthRise;

  @Option(names = "--health-fall", paramLabel = "N", description = "Failing checks that take a backend DOWN (default: 3).")
  Integer healthFall;

  @Option(names = "--slow-start", paramLabel = "DURATION", description = "Ramp a backend's weight up over this after it comes UP (default: 0s = off).")
  String slowStart;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", description = "Longest wait for in-flight exchanges of a removed backend (default: 30s).")
  String drainTimeout;

  @Option(names = "--shutdown-timeout", paramLabel = "DURATION", description = "Longest wait for in-flight exchanges on SIGTERM (default: 30s).")
  String shutdownTimeout;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", description = "Backend connect timeout (default: 2s).")
  String connectTimeout;

  @Option(names = "--response-timeout", paramLabel = "DURATION", description = "Wait for backend response headers (default: 30s).")
  String responseTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "Close idle client connections after (default: 60s).")
  String idleTimeout;

  @Option(names = "--header-timeout", paramLabel = "DURATION", description = "Request headers must arrive within (default: 10s), else 408.")
  String headerTimeout;

  @Option(names = "--retries", paramLabel = "N", description = "Retries on another backend (default: 2).")
  Integer retries;

  @Option(names = "--max-body-size", paramLabel = "SIZE", description = "Largest request body, e.g. 10m (default: 0 = unlimited), else 413.")
  String maxBodySize;

  @Option(names = "--trusted-proxy", paramLabel = "CIDR", description = "Keep forwarding headers from this network (repeatable; default: none).")
  List<String> trustedProxies;

  @Option(names = "--pool-max-idle", paramLabel = "N", description = "Idle backend connections kept per backend per event loop (default: 64).")
  Integer poolMaxIdle;

  @Option(names = "--pool-idle-timeout", paramLabel = "DURATION", description = "Close idle backend connections after (default: 30s).")
  String poolIdleTimeout;

  @Option(names = "--max-request-line", paramLabel = "BYTES", description = "Longest request line (default: 8192), else 414.")
  Integer maxRequestLine;

  @Option(names = "--max-header-size", paramLabel = "BYTES", description = "Largest request header block (default: 16384), else 431.")
  Integer maxHeaderSize;

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean blockUntilShutdown;
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private ProxyServer server;
  private ProxyOperations ops;

  public Main() {
    this(new PrintWriter(System.out, true), new PrintWriter(System.err, true), true);
  }

  Main(PrintWriter out, PrintWriter err, boolean blockUntilShutdown) {
    this.out = out;
    this.err = err;
    this.blockUntilShutdown = blockUntilShutdown;
  }

  public static void main(String[] args) {
    System.exit(run(args, new Main()));
  }

  static int run(String[] args, Main main) {
    CommandLine cl = new CommandLine(main);
    cl.setOut(main.out);
    cl.setErr(main.err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          main.err.println("lb-proxy: " + ex.getMessage() + " (see --help)");
          return 2;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, r) -> {
          if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException || ex instanceof UncheckedIOException) {
            main.err.println("lb-proxy: " + ex.getMessage());
            return 1;
          }
          throw ex;
        });
    return cl.execute(args);
  }

  /** The settings from the file (if any) with the flags on top. */
  ConfigFile settings() {
    ConfigFile c = config == null ? new ConfigFile() : ConfigFile.read(config);
    if (listen != null) {
      c.listen = listen;
    }
    if (backends != null) {
      c.backends = new ArrayList<>();
      for (String b : backends) {
        c.backends.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(b));
      }
    }
    if (algorithm != null) {
      c.algorithm = algorithm;
    }
    if (hashKey != null) {
      c.hashKey = hashKey;
    }
    if (stickyCookie != null) {
      c.stickyCookie = stickyCookie;
    }
    if (stickyKeyFile != null) {
      c.stickyKeyFile = stickyKeyFile;
      c.stickyKeys = null;
    }
    if (admin != null) {
      c.admin = admin;
    }
    if (connectTimeout != null) {
      c.connectTimeout = connectTimeout;
    }
    if (responseTimeout != null) {
      c.responseTimeout = responseTimeout;
    }
    if (idleTimeout != null) {
      c.idleTimeout = idleTimeout;
    }
    if (headerTimeout != null) {
      c.headerTimeout = headerTimeout;
    }
    if (retries != null) {
      c.retries = retries;
    }
    if (maxBodySize != null) {
      c.maxBodySize = maxBodySize;
    }
    if (trustedProxies != null) {
      c.trustedProxies = trustedProxies;
    }
    if (poolMaxIdle != null) {
      c.poolMaxIdle = poolMaxIdle;
    }
    if (poolIdleTimeout != null) {
      c.poolIdleTimeout = poolIdleTimeout;
    }
    if (maxRequestLine != null) {
      c.maxRequestLine = maxRequestLine;
    }
    if (maxHeaderSize != null) {
      c.maxHeaderSize = maxHeaderSize;
    }
    if (adminTokenFile != null) {
      c.adminTokenFile = adminTokenFile;
    }
    if (healthType != null) {
      c.healthType = healthType;
    }
    if (healthPath != null) {
      c.healthPath = healthPath;
    }
    if (healthInterval != null) {
      c.healthInterval = healthInterval;
    }
    if (healthTimeout != null) {
      c.healthTimeout = healthTimeout;
    }
    if (healthRise != null) {
      c.healthRise = healthRise;
    }
    if (healthFall != null) {
      c.healthFall = healthFall;
    }
    if (slowStart != null) {
      c.slowStart = slowStart;
    }
    if (drainTimeout != null) {
      c.drainTimeout = drainTimeout;
    }
    if (shutdownTimeout != null) {
      c.shutdownTimeout = shutdownTimeout;
    }
    return c;
  }

  @Override
  public Integer call() throws Exception {
    ProxyConfig cfg = settings().toConfig();
    BackendPool pool = ProxyServer.newPool(cfg); // configured backends serve UP from the first second; checks start at once
    AdminToken token = cfg.adminTokenFile() != null ? AdminToken.fromFile(cfg.adminTokenFile()) : AdminToken.fromEnvironment();
    ops = ProxyOperations.create(pool, cfg.health(), cfg.drainTimeout(), cfg.admin(), token);
    try {
      server = ProxyServer.builder(cfg).pool(pool).listener(ops.listener()).start();
      ops.start();
    } catch (Exception e) {
      if (server != null) {
        server.close();
      }
      ops.close();
      throw e;
    }
    out.println(
        "lb-proxy listening on " + server.localAddress().getHostString() + ":" + server.localAddress().getPort()
            + " with " + cfg.backends().size() + (cfg.backends().size() == 1 ? " backend" : " backends")
            + " (" + cfg.algorithm().flagName() + ")");
    out.flush();
    if (!blockUntilShutdown) {
      return 0;
    }
    ConfigWatcher watcher = config == null ? null : ConfigWatcher.start(config, this::reload);
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable shutdown = () -> {
      if (!stopping.compareAndSet(false, true)) {
        return;
      }
      log.info("lb-proxy stopping: no new connections; finishing in-flight requests (up to {})", Durations.format(cfg.shutdownTimeout()));
      if (watcher != null) {
        watcher.close();
      }
      server.shutdownGracefully(cfg.shutdownTimeout()).join();
      ops.close();
      log.info("lb-proxy stopped");
      stopped.countDown();
    };
    Runnable onSignal = () -> new Thread(shutdown, "lb-proxy-shutdown").start();
    Signals.on("TERM", onSignal);
    Signals.on("INT", onSignal);
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "lb-proxy-shutdown-hook"));
    stopped.await();
    return 0;
  }

  /** Re-reads the config file (flags still win) and applies its backend list as a diff; other keys need a restart. */
  void reload() {
    ProxyConfig next;
    try {
      next = settings().toConfig();
    } catch (RuntimeException e) {
      log.error("config reload rejected, the running config stays: {}", e.getMessage());
      return;
    }
    try {
      PoolAdmin.Diff d = ops.reload(next.backends());
      log.info("config reloaded: {}", d);
    } catch (IllegalArgumentException e) {
      log.error("config reload rejected, the running config stays: {}", e.getMessage());
    }
  }

  ProxyOperations operations() {
    return ops;
  }

  ProxyServer server() {
    return server;
  }
}
