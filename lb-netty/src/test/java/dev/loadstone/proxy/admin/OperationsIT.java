package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import dev.loadstone.proxy.ProxyConfig;
import dev.loadstone.proxy.ProxyConfigBuilder;
import dev.loadstone.proxy.ProxyServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy and its operations wired as the standalone jar wires them: probes, removal answers, why DOWN, status. */
class OperationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Origin> origins = new ArrayList<>();
  private ProxyOperations ops;
  private ProxyServer proxy;

  private void start(String adminAddress, AdminToken token) throws Exception {
    ProxyConfigBuilder cfg = ProxyConfig.builder().listen("127.0.0.1:0").admin(new InetSocketAddress(adminAddress, 0))
        .health(dev.loadstone.health.HealthCheckSettings.builder().path("/healthz").interval(Duration.ofMillis(100)).build());
    for (String id : new String[] {"b1", "b2"}) {
      Origin o = new Origin(id);
      origins.add(o);
      cfg.addBackend(o.address() + ",id=" + id);
    }
    ProxyConfig config = cfg.build();
    BackendPool pool = ProxyServer.newPool(config);
    ops = ProxyOperations.create(pool, config, token);
    ops.bindAdmin();
    proxy = ProxyServer.builder(config).pool(pool).listener(ops.listener()).eventLoopThreads(1).start();
    ops.describe("round-robin", List.of("proxy http://127.0.0.1:" + proxy.localAddress().getPort()));
    ops.start();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (ops != null) {
      ops.close();
    }
    origins.forEach(Origin::close);
  }

  private HttpResponse<String> admin(String method, String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.adminAddress().getPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (!method.equals("GET")) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String path) throws Exception {
    return JSON.readTree(admin("GET", path).body());
  }

  private int get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.localAddress().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void healthzSaysAliveAndReadyzNeedsTheProxyServingAndABackendAvailable() throws Exception {
    start("127.0.0.1", null);
    assertThat(admin("GET", "/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> notYet = admin("GET", "/readyz");
    assertThat(notYet.statusCode()).isEqualTo(503);
    assertThat(notYet.body()).isEqualTo("not ready: not listening (starting or shutting down)\n");
    ops.serving(true);
    assertThat(admin("GET", "/readyz").body()).isEqualTo("ready: 2 of 2 backends available\n");
    admin("POST", "/api/backends/b1/maintenance");
    admin("POST", "/api/backends/b2/drain");
    HttpResponse<String> none = admin("GET", "/readyz");
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.body()).isEqualTo("not ready: no backend available (0 of 2)\n");
    admin("POST", "/api/backends/b2/enable");
    assertThat(admin("GET", "/readyz").statusCode()).isEqualTo(200);
    ops.serving(false); // SIGTERM: the load balancer in front stops sending here
    assertThat(admin("GET", "/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  void probesNeedNoTokenOnANonLoopbackAdminAddressWhileEverythingElseDoes() throws Exception {
    start("0.0.0.0", AdminToken.of("probe-test-token-0123456789"));
    ops.serving(true);
    assertThat(admin("GET", "/healthz").statusCode()).isEqualTo(200);
    assertThat(admin("GET", "/readyz").statusCode()).isEqualTo(200);
    assertThat(admin("GET", "/api/backends").statusCode()).isEqualTo(401);
    assertThat(admin("GET", "/metrics").statusCode()).isEqualTo(401);
  }

  @Test
  void deletingAnIdleBackendAnswers200AndSaysItIsGoneNotThatItWillGo() throws Exception {
    start("127.0.0.1", null);
    HttpResponse<String> r = admin("DELETE", "/api/backends/b2");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree(
        "{\"id\": \"b2\", \"address\": \"" + origins.get(1).address() + "\", \"removed\": true}"));
    assertThat(admin("GET", "/api/backends/b2").statusCode()).isEqualTo(404);

    Lease busy = ops.pool().acquire(PickRequest.EMPTY); // an exchange in flight on b1
    HttpResponse<String> draining = admin("DELETE", "/api/backends/b1");
    assertThat(draining.statusCode()).isEqualTo(202);
    JsonNode d = JSON.readTree(draining.body());
    assertThat(d.get("adminState").asText()).isEqualTo("DRAINING");
    assertThat(d.get("removed").asBoolean()).isFalse();
    assertThat(d.get("inFlight").asInt()).isEqualTo(1);
    busy.release();
    await().atMost(Duration.ofSeconds(5)).until(() -> admin("GET", "/api/backends/b1").statusCode() == 404);
  }

  @Test
  void anEjectedBackendSaysWhyAndUntilWhenAlthoughItsLastCheckPassed() throws Exception {
    start("127.0.0.1", null);
    origins.get(0).status.set(500); // b1 answers 500 to traffic, 200 to its health checks
    await().atMost(Duration.ofSeconds(5)).until(() -> json("/api/backends/b1").get("lastCheck").isObject());
    Instant before = Instant.now();
    for (int i = 0; i < 10; i++) {
      get("/");
    }
    JsonNode b1 = json("/api/backends/b1");
    assertThat(b1.get("health").asText()).isEqualTo("DOWN");
    assertThat(b1.get("lastCheck").get("passed").asBoolean()).isTrue();
    assertThat(b1.get("healthReason").asText())
        .isEqualTo("after 5 consecutive failed exchanges (last: 5xx response): ejected for 30s");
    Instant until = Instant.parse(b1.get("ejectedUntil").asText());
    assertThat(until).isBetween(before.plusSeconds(29), Instant.now().plusSeconds(31));
    assertThat(Instant.parse(b1.get("healthSince").asText())).isBetween(before.minusSeconds(1), Instant.now());
    assertThat(json("/api/backends/b2").get("ejectedUntil").isNull()).isTrue();
    assertThat(admin("GET", "/").body()).contains("b1");
  }

  @Test
  void theStatusApiShowsVersionAlgorithmListenersUptimeAndEachBackendsLastSeconds() throws Exception {
    start("127.0.0.1", null);
    ops.serving(true);
    for (int i = 0; i < 20; i++) {
      assertThat(get("/")).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode h = json("/api/status").get("backends").get(0).get("history");
      return h.get("requestsPerSecond").size() >= 2 && sum(h.get("requestsPerSecond")) > 0;
    });
    JsonNode s = json("/api/status?history=60");
    assertThat(s.get("version").asText()).isNotEmpty();
    assertThat(s.get("algorithm").asText()).isEqualTo("round-robin");
    assertThat(s.get("listeners").get(0).asText()).isEqualTo("proxy http://127.0.0.1:" + proxy.localAddress().getPort());
    assertThat(s.get("uptimeSeconds").asLong()).isNotNegative();
    assertThat(s.get("serving").asBoolean()).isTrue();
    assertThat(s.get("available").asInt()).isEqualTo(2);
    JsonNode b1 = s.get("backends").get(0);
    assertThat(b1.get("id").asText()).isEqualTo("b1");
    assertThat(b1.get("history").get("requestsPerSecond").size()).isEqualTo(b1.get("history").get("p95Millis").size());
    assertThat(b1.get("ratesPerSecond").has("2xx")).isTrue();
    assertThat(admin("GET", "/api/status?history=301").statusCode()).isEqualTo(400);
  }

  private static double sum(JsonNode arr) {
    double s = 0;
    for (JsonNode n : arr) {
      s += n.asDouble();
    }
    return s;
  }
}
