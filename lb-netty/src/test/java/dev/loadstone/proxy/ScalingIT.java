package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The advisor in the standalone proxy: a real origin reports its CPU in ORCA's endpoint-load-metrics header,
 * the advisor wants more backends, and /api/scaling, the gauge, the command hook and the webhook all say so.
 */
class ScalingIT {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ConcurrentLinkedQueue<String> webhookBodies = new ConcurrentLinkedQueue<>();
  private HttpServer origin;
  private HttpServer webhook;
  private Main main;

  @AfterEach
  void stop() {
    if (main != null) {
      if (main.scaling() != null) {
        main.scaling().close();
      }
      main.server().close();
      main.operations().close();
    }
    if (origin != null) {
      origin.stop(0);
    }
    if (webhook != null) {
      webhook.stop(0);
    }
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void aBusyBackendsCpuReportMakesTheAdvisorAskForMoreAndTheHooksHearIt() throws Exception {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.createContext("/", ex -> {
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("endpoint-load-metrics", "TEXT cpu_utilization=0.9, mem_utilization=0.2");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    origin.start();
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext("/scale", ex -> {
      webhookBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    webhook.start();
    Path out = dir.resolve("desired.txt");
    Path script = dir.resolve("scale.sh");
    Files.writeString(script, "echo \"$1 $LOADSTONE_CURRENT $LOADSTONE_RULE\" > \"$2\"\n");
    Path cfg = dir.resolve("proxy.yaml");
    Files.writeString(cfg, """
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        backends: ["127.0.0.1:%d"]
        scaling:
          interval: 1s
          min: 1
          max: 5
          cooldown: 0s
          cpu-header: endpoint-load-metrics
          rules:
            - {when: "cpu > 70%%", add: 2}
            - {when: "cpu < 30%%", remove: 1}
          hook:
            command: [/bin/sh, "%s", "{desired}", "%s"]
            webhook: http://127.0.0.1:%d/scale
        """.formatted(origin.getAddress().getPort(), script, out, webhook.getAddress().getPort()));
    main = new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), false);
    assertThat(Main.run(new String[] {"--config", cfg.toString()}, main)).isZero();
    String proxy = "http://127.0.0.1:" + main.server().localAddress().getPort() + "/";
    String admin = "http://127.0.0.1:" + main.operations().adminAddress().getPort();

    JsonNode before = new ObjectMapper().readTree(get(admin + "/api/scaling"));
    assertThat(before.get("rules").toString()).isEqualTo("[\"cpu > 70%: add 2\",\"cpu < 30%: remove 1\"]");
    assertThat(get(proxy)).isEqualTo("ok");

    // one reading: a CPU report counts for 6 intervals, so later readings may see it gone and say "steady"
    JsonNode s = await().atMost(Duration.ofSeconds(10)).until(() -> new ObjectMapper().readTree(get(admin + "/api/scaling")),
        n -> n.get("desired").asInt() == 3);
    assertThat(s.get("current").asInt()).isEqualTo(1);
    assertThat(s.get("rule").asText()).isEqualTo("cpu > 70%: add 2");
    assertThat(s.get("reason").asText()).isEqualTo("cpu 90% > 70%: 1 + 2 = 3");
    assertThat(s.get("inputs").get("cpu").asDouble()).isEqualTo(0.9);
    assertThat(s.get("min").asInt()).isEqualTo(1);
    assertThat(new ObjectMapper().readTree(get(admin + "/api/status")).get("scaling").get("desired").asInt()).isEqualTo(3);
    assertThat(get(admin + "/")).contains("<p id=\"scaling\">Scaling advisor: recommends 3 backends (now 1; "); // the rule may be "steady" by then
    assertThat(get(admin + "/metrics")).contains("loadstone_scaling_desired_backends 3.0")
        .contains("loadstone_scaling_current_backends 1.0").contains("loadstone_scaling_input{metric=\"cpu\"} 0.9");

    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out) && Files.readString(out).endsWith("\n"));
    assertThat(Files.readString(out)).isEqualTo("3 1 cpu > 70%: add 2\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> !webhookBodies.isEmpty());
    JsonNode w = new ObjectMapper().readTree(webhookBodies.peek());
    assertThat(w.get("desired").asInt()).isEqualTo(3);
    assertThat(w.get("current").asInt()).isEqualTo(1);
    assertThat(w.get("rule").asText()).isEqualTo("cpu > 70%: add 2");
  }

  @Test
  void withoutAScalingSectionTheEndpointSaysTheAdvisorIsOff() throws Exception {
    main = new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), false);
    assertThat(Main.run(new String[] {"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", "127.0.0.1:9"}, main)).isZero();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + main.operations().adminAddress().getPort() + "/api/scaling")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("the scaling advisor is off: configure scaling: in the YAML");
    assertThat(get("http://127.0.0.1:" + main.operations().adminAddress().getPort() + "/"))
        .contains("<p id=\"scaling\">Scaling advisor: off (no scaling: section in the configuration).</p>");
  }
}
