package dev.loadstone.proxy;

import io.netty.channel.Channel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global {@code max-connections} (HAProxy's {@code maxconn}): at the limit the listener stops accepting, so
 * further clients wait in the kernel's accept backlog instead of being reset, and it accepts again as soon as a
 * connection closes. Stopping is {@code autoRead} on the server channel; the count is kept here, on any event
 * loop, and each change re-checks the other side so two racing updates cannot leave accepting paused below the
 * limit.
 */
final class ConnectionLimit {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);
  /** File descriptors kept for everything else (listeners, logs, health checks, the JVM's own files). */
  static final int RESERVED_FDS = 64;
  private static final Path LIMITS = Path.of("/proc/self/limits");

  private final int max;
  private final Listeners listeners;
  private final AtomicInteger open = new AtomicInteger();
  private volatile Channel server;

  ConnectionLimit(int max, Listeners listeners) {
    this.max = max;
    this.listeners = listeners;
  }

  /** {@code max-connections 0}: half of the descriptor limit left after a reserve (each proxied client may hold a backend connection too). */
  static int auto() {
    long fds = maxFileDescriptors();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (fds - RESERVED_FDS) / 2));
  }

  /**
   * The process's descriptor limit: on Linux the soft limit in {@code /proc/self/limits}, the number the
   * operating-system MXBean reports, read without the platform MBeans (their set-up, with the cgroup probing,
   * took some 50 ms before the port was bound); elsewhere the MXBean's, or 4096 without one.
   */
  static long maxFileDescriptors() {
    try {
      for (String line : Files.readAllLines(LIMITS)) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or a format this does not know: ask the MXBean
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean
        ? ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount() : 4096;
  }

  static ConnectionLimit of(ProxyConfig config, Listeners listeners) {
    return new ConnectionLimit(config.maxConnections() > 0 ? config.maxConnections() : auto(), listeners);
  }

  int max() {
    return max;
  }

  void attach(Channel serverChannel) {
    this.server = serverChannel;
    update();
  }

  /** A client connection was accepted: counted until it closes. */
  void opened(Channel client) {
    if (open.incrementAndGet() >= max) {
      update();
    }
    client.closeFuture().addListener(f -> {
      if (open.decrementAndGet() == max - 1) {
        update();
      }
    });
  }

  private void update() {
    Channel s = server;
    if (s == null) {
      return;
    }
    for (;;) {
      boolean full = open.get() >= max;
      boolean accepting = s.config().isAutoRead();
      if (full == !accepting) {
        return;
      }
      s.config().setAutoRead(!full);
      if (full) {
        log.warn("max-connections {} reached: not accepting until a connection closes", max);
        listeners.acceptPaused(max);
      }
    }
  }
}
