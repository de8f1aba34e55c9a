package dev.loadstone.health;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A real HTTP origin on loopback whose answer the test flips. */
final class Origin implements AutoCloseable {
  final AtomicInteger status = new AtomicInteger(200);
  final AtomicReference<String> body = new AtomicReference<>("ok");
  final AtomicInteger requests = new AtomicInteger();
  final AtomicReference<String> lastHost = new AtomicReference<>();
  final AtomicReference<String> lastPath = new AtomicReference<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  Origin() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      lastHost.set(ex.getRequestHeaders().getFirst("Host"));
      lastPath.set(ex.getRequestURI().getPath());
      byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status.get(), b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      } catch (IOException clientWentAway) {
        // a bounded-prefix check closes early
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
