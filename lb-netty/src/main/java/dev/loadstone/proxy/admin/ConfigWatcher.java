package dev.loadstone.proxy.admin;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a reload action when the config file changes (created, modified or replaced by a rename into its
 * directory, as editors and config-management tools do), or on SIGHUP. The watch runs on one daemon thread;
 * reloads are serialized.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Path file;
  private final Runnable reload;
  private final WatchService watch;
  private final Thread thread;

  private ConfigWatcher(Path file, Runnable reload) throws IOException {
    this.file = file.toAbsolutePath().normalize();
    this.reload = Objects.requireNonNull(reload, "reload");
    Path dir = this.file.getParent();
    this.watch = FileSystems.getDefault().newWatchService();
    dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    this.thread = new Thread(this::run, "lb-config-watch");
    thread.setDaemon(true);
  }

  /** Watches {@code file} (when non-null) and installs a SIGHUP handler (where the platform has one). */
  public static ConfigWatcher start(Path file, Runnable reload) throws IOException {
    ConfigWatcher w = new ConfigWatcher(file, reload);
    w.thread.start();
    Signals.on("HUP", () -> {
      log.info("SIGHUP: reloading {}", w.file);
      w.reloadNow();
    });
    return w;
  }

  /** Reloads at once (serialized with file-change reloads). */
  public synchronized void reloadNow() {
    try {
      reload.run();
    } catch (RuntimeException e) {
      log.error("config reload failed; the running config stays", e);
    }
  }

  private void run() {
    Path name = file.getFileName();
    try {
      while (true) {
        WatchKey key = watch.take();
        boolean ours = false;
        for (WatchEvent<?> e : key.pollEvents()) {
          if (e.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(e.context())) {
            ours = true;
          }
        }
        key.reset();
        if (ours) {
          log.info("{} changed: reloading", file);
          reloadNow();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException stop) {
      // closed
    }
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
    thread.interrupt();
  }
}
