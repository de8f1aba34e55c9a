package dev.loadstone.proxy;

import dev.loadstone.proxy.admin.AdminServer;
import dev.loadstone.proxy.admin.AdminToken;
import dev.loadstone.proxy.admin.ConfigWatcher;
import dev.loadstone.proxy.admin.PoolAdmin;
import dev.loadstone.proxy.admin.ProxyOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the standalone proxy's configuration on SIGHUP and, unless {@code watch-config: false}, when the
 * file changes. The file is read again with the command line's flags on top and validated whole before
 * anything changes; then every key the running proxy can take live is applied (the backends as a diff, the
 * health checks, the drain and shutdown timeouts, the admin token, watch-config), and the keys that need a
 * restart are named in one WARN line. Without {@code --config}, SIGHUP is logged and changes nothing (it never stops the proxy).
 */
final class Reloader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reloader.class);

  private final Path file; // null: no --config
  private final Supplier<SettingValues> settings;
  private final ProxyOperations ops;
  private final ProxyConfig started;
  private volatile ProxyConfig current;
  private ConfigWatcher watcher; // guarded by this
  private boolean closed; // guarded by this

  Reloader(Path file, Supplier<SettingValues> settings, ProxyOperations ops, ProxyConfig started) {
    this.file = file;
    this.settings = settings;
    this.ops = ops;
    this.started = started;
    this.current = started;
  }

  /** Starts watching the file if the config says so (SIGHUP reaches {@link #onSighup} through the caller's handler). */
  Reloader start() {
    if (file == null) {
      log.info("no --config file: SIGHUP changes nothing");
    } else {
      watch(started.watchConfig());
    }
    return this;
  }

  /** The configuration in force (the live keys of the last accepted reload). */
  ProxyConfig current() {
    return current;
  }

  /** Whether the file is watched now. */
  synchronized boolean watching() {
    return watcher != null;
  }

  void onSighup() {
    if (file == null) {
      log.info("SIGHUP: no --config file, nothing to reload; the proxy keeps running");
      return;
    }
    log.info("SIGHUP: reloading {}", file);
    reload();
  }

  /** Reads the file again (flags still win) and applies what can be applied; rejects an invalid one whole. */
  synchronized void reload() {
    if (closed) {
      return;
    }
    ProxyConfig next;
    AdminToken token;
    PoolAdmin.Diff diff;
    try {
      next = settings.get().toConfig();
      token = Main.token(next);
      AdminServer.checkExposure(next.admin() == null ? AdminServer.DEFAULT_ADDRESS : next.admin(), token);
      diff = ops.reload(next.backends());
    } catch (RuntimeException e) {
      log.error("config reload rejected, the running config stays: {}", e.getMessage());
      return;
    }
    ops.reconfigure(next.drainTimeout(), token);
    if (ops.health(next.health())) {
      log.info("health checks restarted with the reloaded settings");
    }
    current = next;
    watch(next.watchConfig());
    log.info("config reloaded: {}", diff);
    List<String> restart = new ArrayList<>();
    for (Setting<?> s : Settings.ALL) {
      if (!s.isLive() && s.hasView() && !s.show(started).equals(s.show(next))) {
        restart.add(s.key + " " + s.show(started) + " -> " + s.show(next));
      }
    }
    if (!restart.isEmpty()) {
      log.warn("config reload: {} changed but take{} effect only after a restart: {}", restart.size() == 1 ? "1 key" : restart.size() + " keys",
          restart.size() == 1 ? "s" : "", String.join(", ", restart));
    }
  }

  private synchronized void watch(boolean on) {
    if (on && watcher == null && !closed) {
      try {
        watcher = ConfigWatcher.start(file, this::reload);
      } catch (IOException e) {
        throw new UncheckedIOException("config file " + file + ": cannot be watched (" + e.getMessage() + ")", e);
      }
      log.info("watching {} for changes (watch-config: false turns this off; SIGHUP always reloads)", file);
    } else if (!on && watcher != null) {
      watcher.close();
      watcher = null;
      log.info("not watching {} (watch-config: false); SIGHUP reloads it", file);
    } else if (!on && file != null && current == started) {
      log.info("not watching {} (watch-config: false); SIGHUP reloads it", file);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }
}
