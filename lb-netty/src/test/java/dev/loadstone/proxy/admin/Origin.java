package dev.loadstone.proxy.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A real HTTP origin on loopback (JDK HttpServer). {@code /healthz} answers {@link #health}; {@code /slow?ms=N}
 * answers after N ms (from a timer, no thread held); every other path answers {@link #status} (200) with the origin's id.
 */
final class Origin implements AutoCloseable {
  final String id;
  final AtomicInteger health = new AtomicInteger(200);
  final AtomicInteger status = new AtomicInteger(200);
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger inFlightSlow = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean stopped;
  // The JDK server writes a response's head and body in two writes; kill() waits for the response being written,
  // so an in-process kill drops connections between responses, never inside one (a real SIGKILL can land between
  // the two writes: then the client gets a head without its body, which no proxy can repair).
  private static final ReadWriteLock WRITING = new ReentrantReadWriteLock();

  Origin(String id) throws IOException {
    this.id = id;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/healthz")) {
        respond(ex, health.get(), "health of " + id);
        return;
      }
      requests.incrementAndGet();
      if (path.equals("/slow")) {
        String q = ex.getRequestURI().getQuery();
        long ms = Long.parseLong(q.substring(q.indexOf("ms=") + 3));
        inFlightSlow.incrementAndGet();
        timer.schedule(() -> {
          inFlightSlow.decrementAndGet();
          respond(ex, 200, id);
        }, ms, TimeUnit.MILLISECONDS);
        return;
      }
      respond(ex, status.get(), id);
    });
    server.setExecutor(executor);
    server.start();
  }

  Origin() throws IOException {
    this("origin");
  }

  private static void respond(HttpExchange ex, int status, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    WRITING.readLock().lock();
    try (OutputStream out = ex.getResponseBody()) {
      ex.sendResponseHeaders(status, b.length);
      out.write(b);
    } catch (IOException clientWentAway) {
      // the proxy or a check closed early, or the origin was killed
    } finally {
      WRITING.readLock().unlock();
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  /** Stops at once: the listener closes and open connections are dropped (like a killed process). */
  void kill() {
    if (!stopped) {
      stopped = true;
      WRITING.writeLock().lock();
      try {
        server.stop(0);
      } finally {
        WRITING.writeLock().unlock();
      }
    }
  }

  @Override
  public void close() {
    kill();
    timer.shutdownNow();
    executor.shutdownNow();
  }
}
