package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone proxy as a child JVM: signals, config reload and graceful shutdown. */
class ProxyProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("lb-proxy listening on 127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern ADMIN = Pattern.compile("admin API, /metrics and status page on http://127\\.0\\.0\\.1:(\\d+)/");
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final List<Origin> origins = new ArrayList<>();
  private Process process;
  private Thread reader;
  private int proxyPort;
  private int adminPort;

  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (Origin o : origins) {
      o.close();
    }
  }

  private Origin origin(String id) throws Exception {
    Origin o = new Origin(id);
    origins.add(o);
    return o;
  }

  private static String config(Origin... backends) {
    StringBuilder sb = new StringBuilder("listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nhealth-path: /healthz\n"
        + "health-interval: 100ms\nhealth-rise: 2\nshutdown-timeout: 20s\nbackends:\n");
    for (Origin o : backends) {
      sb.append("  - {id: ").append(o.id).append(", address: \"").append(o.address()).append("\"}\n");
    }
    return sb.toString();
  }

  /** Replaces the file in one step, as config-management tools do. */
  private void write(Path file, String text) throws Exception {
    Path tmp = Files.createTempFile(dir, "next", ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void startProxy(Path configFile) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        "dev.loadstone.proxy.Main", "--config", configFile.toString())
        .redirectErrorStream(true)
        .start();
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    }, "proxy-output");
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> (port(ADMIN) > 0 && port(LISTENING) > 0) || !process.isAlive());
    assertThat(process.isAlive()).as(String.join("\n", output)).isTrue();
    proxyPort = port(LISTENING);
    adminPort = port(ADMIN);
  }

  private int port(Pattern p) {
    for (String line : output) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return -1;
  }

  private boolean logged(String text) {
    return output.stream().anyMatch(l -> l.contains(text));
  }

  private JsonNode backends() throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/backends"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void sigtermLetsSlowRequestsFinishRefusesNewConnectionsAndExitsZero() throws Exception {
    Origin b1 = origin("b1");
    Path cfg = dir.resolve("proxy.yaml");
    write(cfg, config(b1));
    startProxy(cfg);
    List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slow.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/slow?ms=2000")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> b1.inFlightSlow.get() == 3);

    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThatThrownBy(() -> new Socket("127.0.0.1", proxyPort).close()).isInstanceOf(ConnectException.class));
    assertThat(b1.inFlightSlow.get()).as("still in flight when new connections are already refused").isPositive();
    for (CompletableFuture<HttpResponse<String>> f : slow) {
      HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("b1");
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(5000); // the rest of its output
    assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
    assertThat(logged("lb-proxy stopping")).as(String.join("\n", output)).isTrue();
  }

  @Test
  void configFileChangeAndSighupReloadTheBackendsAndAnInvalidFileIsRejected() throws Exception {
    Origin b1 = origin("b1");
    Origin b2 = origin("b2");
    Path cfg = dir.resolve("proxy.yaml");
    write(cfg, config(b1));
    startProxy(cfg);
    await().atMost(Duration.ofSeconds(10)).until(() -> backends().get(0).get("lastCheck").isObject());

    write(cfg, config(b1, b2));
    await().atMost(Duration.ofSeconds(10)).until(() -> backends().size() == 2 && backends().get(1).get("health").asText().equals("UP"));
    assertThat(backends().get(1).get("id").asText()).isEqualTo("b2");

    write(cfg, config(b1, b2) + "  - {id: b3, address: \"nohost\"}\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> logged("config reload rejected"));
    assertThat(backends().size()).isEqualTo(2);

    write(cfg, "backends: [ unclosed\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> output.stream().filter(l -> l.contains("config reload rejected")).count() >= 2);
    assertThat(backends().size()).isEqualTo(2);

    write(cfg, config(b2));
    await().atMost(Duration.ofSeconds(10)).until(() -> backends().size() == 1);
    assertThat(backends().get(0).get("id").asText()).isEqualTo("b2");

    int before = output.size();
    new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> output.subList(before, output.size()).stream()
        .anyMatch(l -> l.contains("config reloaded: added [], removing [], reweighted []")));
    assertThat(logged("SIGHUP: reloading")).isTrue();

    process.toHandle().destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
  }
}
