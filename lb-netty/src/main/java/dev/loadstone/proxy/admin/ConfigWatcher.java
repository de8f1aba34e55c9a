package dev.loadstone.proxy.admin;

import dev.loadstone.lb.Ticker;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a reload action when the config file changes (created, modified or replaced by a rename into its
 * directory, as editors and config-management tools do), or at once through {@link #reloadNow()}. Changes are debounced:
 * the reload runs once the file has not changed for a quiet period (1 s), so a file written in several
 * chunks is read once, whole, after its last write. The watch runs on one daemon thread; reloads are
 * serialized.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
  /** How long the file must stay unchanged before it is reloaded. */
  public static final Duration QUIET_PERIOD = Duration.ofSeconds(1);
  /** While a reload is pending the thread looks at the clock at least this often (the ticker may be a test's). */
  private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Path file;
  private final Runnable reload;
  private final Debounce debounce;
  private final Ticker ticker;
  private final WatchService watch;
  private final Thread thread;
  private final AtomicLong changes = new AtomicLong();
  private volatile boolean pending; // a change waits for its quiet period (for tests)

  private ConfigWatcher(Path file, Runnable reload, Duration quiet, Ticker ticker) throws IOException {
    this.file = file.toAbsolutePath().normalize();
    this.reload = Objects.requireNonNull(reload, "reload");
    this.debounce = new Debounce(quiet.toNanos());
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.watch = FileSystems.getDefault().newWatchService();
    this.file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    this.thread = new Thread(this::run, "lb-config-watch");
    thread.setDaemon(true);
  }

  /** Watches {@code file} with the default quiet period (SIGHUP is the caller's: see the proxy's {@code Reloader}). */
  public static ConfigWatcher start(Path file, Runnable reload) throws IOException {
    return watch(file, reload, QUIET_PERIOD, Ticker.system());
  }

  /** Watches without a signal handler, with the given quiet period and clock. */
  static ConfigWatcher watch(Path file, Runnable reload, Duration quiet, Ticker ticker) throws IOException {
    ConfigWatcher w = new ConfigWatcher(file, reload, quiet, ticker);
    w.thread.start();
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

  /** How many changes of the file the watcher has seen (for tests: a write is seen before the next one). */
  long changesSeen() {
    return changes.get();
  }

  /** Whether a change waits for its quiet period (for tests). */
  boolean reloadPending() {
    return pending;
  }

  private void run() {
    Path name = file.getFileName();
    try {
      while (true) {
        long wait = debounce.nanosUntilDue(ticker.read());
        WatchKey key = wait == Long.MAX_VALUE ? watch.take() : watch.poll(Math.min(wait, MAX_POLL_NANOS), TimeUnit.NANOSECONDS);
        if (key != null) {
          boolean ours = false;
          for (WatchEvent<?> e : key.pollEvents()) {
            ours |= e.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(e.context());
          }
          key.reset();
          if (ours) {
            debounce.changed(ticker.read());
            pending = true;
            changes.incrementAndGet();
          }
        }
        if (debounce.takeDue(ticker.read())) {
          log.info("{} changed: reloading", file);
          reloadNow();
        }
        pending = debounce.nanosUntilDue(ticker.read()) != Long.MAX_VALUE;
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
