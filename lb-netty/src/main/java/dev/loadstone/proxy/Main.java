package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.admin.AdminToken;
import dev.loadstone.proxy.admin.ConfigWatcher;
import dev.loadstone.proxy.admin.PoolAdmin;
import dev.loadstone.proxy.admin.ProxyOperations;
import dev.loadstone.proxy.admin.Signals;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The standalone proxy: {@code java -jar lb-proxy.jar --listen HOST:PORT --backend HOST:PORT ...}. The flags
 * and the YAML keys come from one table ({@link Settings}); flags override the {@code --config} file.
 */
public final class Main {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean blockUntilShutdown;
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private Flags.Parsed flags = new Flags.Parsed(null, SettingValues.none());
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

  /** Parses, prints help or runs; user errors are one line on stderr: exit 2 for flag syntax, 1 for everything else. */
  static int run(String[] args, Main main) {
    Integer stop = main.parse(args);
    if (stop != null) {
      return stop;
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

  int call() throws InterruptedException {
    ProxyConfig cfg = settings().toConfig();
    BackendPool pool = ProxyServer.newPool(cfg); // configured backends serve UP from the first second; checks start at once
    AdminToken token = cfg.adminTokenFile() != null ? AdminToken.fromFile(cfg.adminTokenFile()) : AdminToken.fromEnvironment();
    ops = ProxyOperations.create(pool, cfg.health(), cfg.drainTimeout(), cfg.admin(), token);
    try {
      server = ProxyServer.builder(cfg).pool(pool).listener(ops.listener()).start();
      ops.start();
    } catch (RuntimeException | InterruptedException e) {
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
    ConfigWatcher watcher = flags.config() == null ? null : watch(flags.config());
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

  private ConfigWatcher watch(java.nio.file.Path file) {
    try {
      return ConfigWatcher.start(file, this::reload);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("config file " + file + ": cannot be watched (" + e.getMessage() + ")", e);
    }
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
