package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on loopback: a load generator raises the request rate, the advisor (target tracking on
 * requests per second per backend) asks for more backends, its hook ({@code examples/scale-to.sh}) starts real
 * backend processes ({@code python3 -m http.server}) and adds them through the admin API; the rate falls and the
 * hook deletes (drains) and stops them. No request fails while the pool grows from 2 to 6 and shrinks back.
 */
class ScaleLoopIT {
  private static final int BASE = 29100;
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile int rate; // requests per second
  private Main main;

  @AfterEach
  void stop() throws Exception {
    load.shutdownNow();
    if (main != null) {
      main.scaling().close();
      main.server().close();
      main.operations().close();
    }
    try (Stream<Path> pids = Files.list(dir)) { // the backend processes the hook started
      for (Path p : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(p).strip())).ifPresent(ProcessHandle::destroy);
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private JsonNode backends(String admin) throws Exception {
    return new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(admin + "/api/backends")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private int up(String admin) throws Exception {
    int n = 0;
    for (JsonNode b : backends(admin)) {
      n += b.get("health").asText().equals("UP") && b.get("adminState").asText().equals("ACTIVE") ? 1 : 0;
    }
    return n;
  }

  @Test
  void thePoolGrowsFromTwoToSixAndBackWithoutAFailedRequest() throws Exception {
    int adminPort = freePort();
    String admin = "http://127.0.0.1:" + adminPort;
    Path script = Path.of("..", "examples", "scale-to.sh").toAbsolutePath();
    Path cfg = dir.resolve("proxy.yaml");
    Files.writeString(cfg, """
        listen: 127.0.0.1:0
        admin: 127.0.0.1:%d
        backends: ["127.0.0.1:%d,id=app-%d"]
        health-path: /
        health-interval: 200ms
        health-timeout: 150ms
        health-rise: 1
        scaling:
          interval: 500ms
          min: 2
          max: 6
          cooldown: 0s
          scale-in-window: 3s
          rules:
            - {metric: rps-per-backend, target: 10}
          hook:
            command: [sh, "%s", "{desired}", "%s", "%s", "%d"]
            timeout: 60s
        """.formatted(adminPort, BASE + 1, BASE + 1, script, admin, dir, BASE));
    main = new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), false);
    assertThat(Main.run(new String[] {"--config", cfg.toString()}, main)).isZero();
    String proxy = "http://127.0.0.1:" + main.server().localAddress().getPort() + "/";

    await().atMost(Duration.ofSeconds(30)).until(() -> up(admin) == 2); // min 2: the hook started both
    for (int i = 0; i < 4; i++) { // the load generator: `rate` requests per second, each on time or counted late
      load.scheduleAtFixedRate(() -> {
        int r = rate;
        if (r == 0 || ThreadLocalRandomHolder.skip(r)) {
          return;
        }
        try {
          HttpResponse<Void> res = http.send(HttpRequest.newBuilder(URI.create(proxy)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding());
          (res.statusCode() == 200 ? ok : failed).incrementAndGet();
        } catch (Exception e) {
          failed.incrementAndGet();
        }
      }, i * 10, 40, TimeUnit.MILLISECONDS);
    }
    rate = 60; // 6 backends at 10 per backend
    await().atMost(Duration.ofSeconds(90)).until(() -> up(admin) == 6);
    rate = 15; // 2 backends
    await().atMost(Duration.ofSeconds(90)).until(() -> backends(admin).size() == 2);
    rate = 0;
    assertThat(failed.get()).as("failed requests of " + (ok.get() + failed.get())).isZero();
    assertThat(ok.get()).as("the load really ran (its count depends on how fast the pool grew)").isGreaterThan(100);
    // The hook stops a removed backend after the pool let it go, so its pid file may outlive the pool change a little.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pidFiles(dir)).as("the hook stopped the backends it removed").isEqualTo(2));
  }

  private static long pidFiles(Path dir) throws java.io.IOException {
    try (Stream<Path> pids = Files.list(dir)) {
      return pids.filter(f -> f.toString().endsWith(".pid")).count();
    }
  }

  /** Thins 4 senders x 25 per second (100/s) down to the wanted rate. */
  static final class ThreadLocalRandomHolder {
    static boolean skip(int rate) {
      return java.util.concurrent.ThreadLocalRandom.current().nextInt(100) >= rate;
    }
  }
}
