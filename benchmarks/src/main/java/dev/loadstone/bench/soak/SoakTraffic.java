package dev.loadstone.bench.soak;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** The soak's clients: one thread per kind of traffic, each looping until the deadline. */
final class SoakTraffic {
  /** One failed exchange: its kind, when (ms since the start) and what the client saw. */
  record Failure(String kind, long atMillis, String what) {}

  final Map<String, LongAdder> ok = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  final LongAdder stickyMoves = new LongAdder();
  private final String base;
  private final int port;
  private final long start = System.nanoTime();
  private final long deadline;
  private final List<Thread> threads = new ArrayList<>();

  SoakTraffic(int port, Duration length) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
    this.deadline = start + length.toNanos();
  }

  void start() {
    HttpClient shared = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    loop("keepalive-get", () -> expect(shared.send(get("/small"), HttpResponse.BodyHandlers.ofString()), null));
    loop("keepalive-get-2", () -> expect(shared.send(get("/small"), HttpResponse.BodyHandlers.ofString()), null));
    loop("new-connection-get", this::newConnectionGet);
    loop("large-get", () -> {
      HttpResponse<byte[]> r = shared.send(get("/large?bytes=1048576"), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200 || r.body().length != 1048576) {
        throw new IllegalStateException("status " + r.statusCode() + ", " + r.body().length + " bytes");
      }
    });
    byte[] upload = new byte[64 * 1024];
    loop("upload-post", () -> {
      HttpResponse<String> r = shared.send(HttpRequest.newBuilder(URI.create(base + "/upload")).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
      expect(r, "65536");
    });
    loop("websocket", this::webSocketRound);
    String[] pinned = {null};
    HttpClient sticky = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();
    loop("sticky-get", () -> {
      HttpResponse<String> r = sticky.send(get("/small"), HttpResponse.BodyHandlers.ofString());
      expect(r, null);
      if (pinned[0] != null && !pinned[0].equals(r.body())) {
        stickyMoves.increment(); // its backend was killed or drained: moving is right then
      }
      pinned[0] = r.body();
    });
  }

  void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  long millis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private interface Step {
    void run() throws Exception;
  }

  private void loop(String kind, Step step) {
    Thread t = new Thread(() -> {
      LongAdder count = ok.computeIfAbsent(kind, k -> new LongAdder());
      while (System.nanoTime() < deadline) {
        try {
          step.run();
          count.increment();
        } catch (Exception e) {
          failures.add(new Failure(kind, millis(), String.valueOf(e)));
        }
      }
    }, "soak-" + kind);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build();
  }

  private static void expect(HttpResponse<String> r, String body) {
    if (r.statusCode() != 200 || (body != null && !body.equals(r.body()))) {
      throw new IllegalStateException("status " + r.statusCode() + ": " + r.body().strip());
    }
  }

  private void newConnectionGet() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /small HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/1.1 200 ") || !text.matches("(?s).*\r\n\r\nb[0-9]")) {
        throw new IllegalStateException("got: " + text.replace("\r\n", "|"));
      }
    }
  }

  private void webSocketRound() throws Exception {
    java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> echo = new java.util.concurrent.atomic.AtomicReference<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            echo.get().complete(data.toString());
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
            CompletableFuture<String> f = echo.get();
            if (f != null) {
              f.completeExceptionally(new java.io.IOException("tunnel closed: " + status + " " + reason));
            }
            return null;
          }

          @Override
          public void onError(WebSocket w, Throwable error) {
            CompletableFuture<String> f = echo.get();
            if (f != null) {
              f.completeExceptionally(error);
            }
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      for (int i = 0; i < 20; i++) { // 20 round trips per tunnel, then a new tunnel
        CompletableFuture<String> f = new CompletableFuture<>();
        echo.set(f);
        String msg = "m" + i;
        ws.sendText(msg, true).get(10, TimeUnit.SECONDS);
        String got = f.get(10, TimeUnit.SECONDS);
        if (!got.equals(msg)) {
          throw new IllegalStateException("echo '" + got + "' for '" + msg + "'");
        }
      }
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
    }
  }
}
