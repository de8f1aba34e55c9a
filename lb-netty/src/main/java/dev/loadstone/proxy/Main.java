package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.admin.AdminToken;
import dev.loadstone.proxy.admin.ProxyOperations;
import dev.loadstone.proxy.admin.Signals;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The standalone proxy: {@code java -jar lb-proxy.jar --listen HOST:PORT --backend HOST:PORT ...}. The flags
 * and the YAML keys come from one table ({@link Settings}); flags override the {@code --config} file.
 * {@code --check} validates and prints instead of running ({@link ConfigCheck}); reloads are {@link Reloader}'s.
 */
public final class Main {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean blockUntilShutdown;
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private Flags.Parsed flags = new Flags.Parsed(null, SettingValues.none(), false);
  private ProxyServer server;
  private ProxyOperations ops;
  private volatile Reloader reloader;
  private dev.loadstone.proxy.discovery.DnsDiscovery discovery; // null without backend-dns / backend-srv
  private dev.loadstone.proxy.scaling.ScalingService scaling; // null without a scaling: section
  private volatile ProxyServer running; // for SIGUSR1
  private Thread warmup; // null unless main() started one

  public Main() {
    this(new PrintWriter(System.out, true), new PrintWriter(System.err, true), true);
  }

  Main(PrintWriter out, PrintWriter err, boolean blockUntilShutdown) {
    this.out = out;
    this.err = err;
    this.blockUntilShutdown = blockUntilShutdown;
  }

  public static void main(String[] args) {
    nettyDefaults();
    Main main = new Main();
    main.warmup = Warmup.start(); // while the flags and the config file are read
    System.exit(run(args, main));
  }

  /**
   * Netty's JFR events (buffer allocator chunks): off unless {@code -Dio.netty.jfr.enabled=true}, since the first
   * one to be created sets up JFR's event metadata, some 150 ms of the start even when no recording runs.
   */
  static final String NETTY_JFR = "io.netty.jfr.enabled";

  /** Sets Netty's system properties that the proxy defaults differently, unless the command line set them. */
  static void nettyDefaults() {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
  }

  /**
   * Parses, prints help, checks or runs; user errors are one line on stderr: exit 2 for flag syntax, 1 for
   * everything else (with {@code --check}, 1 for flag syntax too: the command line is part of the configuration).
   */
  static int run(String[] args, Main main) {
    Integer stop = main.parse(args);
    if (stop != null) {
      return stop == 2 && (Arrays.asList(args).contains("-t") || Arrays.asList(args).contains(Flags.CHECK)) ? 1 : stop;
    }
    if (main.flags.check()) {
      return ConfigCheck.run(main.flags.config(), main::settings, main.out, main.err);
    }
    try {
      return main.call();
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      main.err.println("lb-proxy: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Reads the flags; returns the exit code when there is nothing to run (help, version, a syntax error), else null. */
  Integer parse(String... args) {
    CommandLine cl = new CommandLine(Flags.spec());
    cl.setOut(out);
    cl.setErr(err);
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (ParameterException e) {
      err.println("lb-proxy: " + e.getMessage() + " (see --help)");
      return 2;
    }
    Integer help = CommandLine.executeHelpRequest(parsed);
    if (help != null) {
      return help;
    }
    flags = Flags.read(parsed);
    return null;
  }

  /** The settings from the file (if any, read again on every call) with the flags on top. */
  SettingValues settings() {
    SettingValues file = flags.config() == null ? SettingValues.none() : ConfigFile.read(flags.config());
    return file.withFlags(flags.settings());
  }

  /** The admin token the config names: its file, else {@code LOADSTONE_ADMIN_TOKEN}, else none. */
  static AdminToken token(ProxyConfig cfg) {
    return cfg.adminTokenFile() != null ? AdminToken.fromFile(cfg.adminTokenFile()) : AdminToken.fromEnvironment();
  }

  /**
   * Starts in an order that claims nothing before it holds: the admin port is bound first (silently), then the
   * traffic port, then health checks start and the admin address is announced. A port that is taken fails
   * with one line and no earlier line saying that something listens.
   */
  int call() throws InterruptedException {
    if (blockUntilShutdown) { // first: a SIGHUP's default action would end the JVM
      Signals.on("HUP", () -> {
        Reloader r = reloader;
        if (r == null) {
          log.info("SIGHUP during start-up: ignored");
        } else {
          running.reloadTls(); // the certificate files, also without --config
          r.onSighup();
        }
      });
      Signals.on("USR1", () -> { // logrotate's postrotate: reopen the access log file
        ProxyServer s = running;
        if (s != null) {
          s.reopenAccessLog();
        }
      });
    }
    ProxyConfig cfg = settings().toConfig();
    Warmup.await(warmup); // before this thread meets Netty and Micrometer (see Warmup)
    BackendPool pool = ProxyServer.newPool(cfg); // configured backends serve UP from the first second; checks start at once
    ops = ProxyOperations.create(pool, cfg, token(cfg));
    try {
      ops.bindAdmin();
      server = ProxyServer.builder(cfg).pool(pool).listener(ops.listener()).watchTlsFiles(blockUntilShutdown && cfg.watchConfig()).start();
      running = server;
      ops.metrics().serverCounters(server::accessLogDropped, server::acceptErrors);
      ops.metrics().queueSize(server::queuedRequests);
      ops.describe(cfg.algorithm().flagName(), List.of("proxy " + (cfg.tls().enabled() ? "https://" : "http://") + ConfigRules.hostPort(server.localAddress()),
          "admin http://" + ConfigRules.hostPort(ops.adminAddress())));
      ops.start();
      if (cfg.discovery() != null) {
        discovery = dev.loadstone.proxy.discovery.DnsDiscovery.start(ops.admin(), cfg.discovery(), ops.metrics().registry());
      }
      if (cfg.scaling() != null) {
        scaling = new dev.loadstone.proxy.scaling.ScalingService(cfg.scaling(), ops.admin(), ops.metrics(), server.loadReports(),
            java.time.Clock.systemUTC()).start();
        ops.scaling(scaling::json);
      }
      ops.serving(true);
    } catch (RuntimeException | InterruptedException e) {
      if (scaling != null) {
        scaling.close();
      }
      if (discovery != null) {
        discovery.close();
      }
      if (server != null) {
        server.close();
      }
      ops.close();
      throw e;
    }
    Reloader r = new Reloader(flags.config(), this::settings, ops, cfg);
    if (blockUntilShutdown) {
      r.start(); // before the line below: once it is printed, a change of the file is seen
    }
    reloader = r;
    out.println(
        "lb-proxy listening on " + server.localAddress().getHostString() + ":" + server.localAddress().getPort()
            + " with " + cfg.backends().size() + (cfg.backends().size() == 1 ? " backend" : " backends")
            + " (" + cfg.algorithm().flagName() + ")");
    out.flush();
    if (!blockUntilShutdown) {
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable shutdown = () -> {
      if (!stopping.compareAndSet(false, true)) {
        return;
      }
      ProxyConfig now = reloader.current(); // shutdown-timeout reloads live
      log.info("lb-proxy stopping: no new connections; finishing in-flight requests (up to {})", Durations.format(now.shutdownTimeout()));
      ops.serving(false);
      reloader.close();
      if (scaling != null) {
        scaling.close();
      }
      if (discovery != null) {
        discovery.close(); // first: no backend joins or leaves while the last exchanges finish
      }
      server.shutdownGracefully(now.shutdownTimeout()).join();
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

  /** Re-reads the config file (flags still win) and applies it (see {@link Reloader}). */
  void reload() {
    reloader.reload();
  }

  Reloader reloader() {
    return reloader;
  }

  ProxyOperations operations() {
    return ops;
  }

  ProxyServer server() {
    return server;
  }

  /** The scaling advisor, or null when the config has no scaling: section. */
  dev.loadstone.proxy.scaling.ScalingService scaling() {
    return scaling;
  }

  /** Discovery by DNS, or null when the config names no DNS target. */
  dev.loadstone.proxy.discovery.DnsDiscovery discovery() {
    return discovery;
  }
}
