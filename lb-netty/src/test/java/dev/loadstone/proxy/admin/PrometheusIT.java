package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.ProxyConfig;
import dev.loadstone.proxy.ProxyConfigBuilder;
import dev.loadstone.proxy.ProxyServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every PromQL query in lb-netty/README.md (each line of its {@code promql} blocks), run against a real Prometheus
 * (Debian's {@code prometheus}, started here on a free port, scraping the proxy's admin port every second) while
 * traffic flows, must return at least one series, each with a number (issue 14, defect 5: a documented query
 * that matched no series). The scrape must also pass {@code promtool check metrics}. Fails (never skips) when
 * Prometheus is missing: {@code .ci/run} installs it.
 */
class PrometheusIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Origin> origins = new ArrayList<>();
  private ProxyOperations ops;
  private ProxyServer proxy;
  private LoadLoop load;
  private Process prometheus;

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(20, TimeUnit.SECONDS);
    }
    if (load != null) {
      load.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (ops != null) {
      ops.close();
    }
    origins.forEach(Origin::close);
  }

  /** The queries of the README: every non-blank line of every {@code ```promql} block. */
  static List<String> readmeQueries() throws Exception {
    List<String> queries = new ArrayList<>();
    boolean in = false;
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      if (line.strip().equals("```promql")) {
        in = true;
      } else if (in && line.strip().equals("```")) {
        in = false;
      } else if (in && !line.isBlank()) {
        queries.add(line.strip());
      }
    }
    return queries;
  }

  private void startProxy() throws Exception {
    ProxyConfigBuilder cfg = ProxyConfig.builder().listen("127.0.0.1:0").admin(new InetSocketAddress("127.0.0.1", 0));
    int weight = 1;
    for (String id : new String[] {"b1", "b2"}) {
      Origin o = new Origin(id);
      origins.add(o);
      cfg.addBackend(o.address() + ",id=" + id + ",weight=" + weight++);
    }
    ProxyConfig config = cfg.build();
    BackendPool pool = ProxyServer.newPool(config);
    ops = ProxyOperations.create(pool, config, null);
    ops.bindAdmin();
    proxy = ProxyServer.builder(config).pool(pool).listener(ops.listener()).eventLoopThreads(1).start();
    ops.start();
    load = new LoadLoop(proxy.localAddress().getPort(), 2, 200_000, Duration.ofMinutes(2));
  }

  /** Starts Prometheus on a free port scraping the admin port every second; retries if another process took the port. */
  private int startPrometheus(Path dir) throws Exception {
    Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        + "scrape_configs:\n  - job_name: loadstone\n    static_configs:\n      - targets: ['127.0.0.1:" + ops.adminAddress().getPort() + "']\n");
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      int p = port;
      try {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> !prometheus.isAlive() || get("http://127.0.0.1:" + p + "/-/ready").statusCode() == 200);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        fail("prometheus did not become ready: " + Files.readString(dir.resolve("prometheus.log")));
      }
      if (prometheus.isAlive()) {
        return port;
      }
      if (attempt == 3) {
        fail("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
      }
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The query's result vector (throws when Prometheus rejects the query). */
  private JsonNode query(int port, String q) throws Exception {
    JsonNode r = JSON.readTree(get("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)).body());
    assertThat(r.get("status").asText()).as(q + ": " + r).isEqualTo("success");
    return r.get("data").get("result");
  }

  private static boolean hasNumbers(JsonNode result) {
    if (result.size() == 0) {
      return false;
    }
    for (JsonNode series : result) {
      String v = series.get("value").get(1).asText();
      if (v.equals("NaN") || v.contains("Inf")) {
        return false;
      }
    }
    return true;
  }

  @Test
  void everyQueryInTheReadmeReturnsSeriesFromARealPrometheusScrapingTheProxy() throws Exception {
    for (String exe : new String[] {"/usr/bin/prometheus", "/usr/bin/promtool"}) {
      if (!new File(exe).canExecute()) {
        fail(exe + " is missing: install Debian's prometheus package (apt-get install prometheus; .ci/run does)");
      }
    }
    List<String> queries = readmeQueries();
    assertThat(queries).as("the README's promql blocks").hasSizeGreaterThanOrEqualTo(8);
    startProxy();
    Path dir = Files.createTempDirectory(Path.of("target"), "prometheus");
    int port = startPrometheus(dir);
    await().atMost(Duration.ofSeconds(30)).until(() -> load.answered() >= 200);
    for (String q : queries) {
      try {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> hasNumbers(query(port, q)));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        fail("README query returns no series with a value: " + q + " -> " + query(port, q));
      }
    }
    Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(ops.metrics().scrape().getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as("promtool check metrics: " + lint).isZero();
  }
}
