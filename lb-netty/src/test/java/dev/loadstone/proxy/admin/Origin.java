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
    try (OutputStream out = ex.getResponseBody()) {
      ex.sendResponseHeaders(status, b.length);
      out.write(b);
    } catch (IOException clientWentAway) {
      // the proxy or a check closed early
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
      server.stop(0);
    }
  }

  @Override
  public void close() {
    kill();
    timer.shutdownNow();
    executor.shutdownNow();
  }
}
