package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.health.HealthChecker;
import dev.loadstone.lb.AdminState;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "s3cret-admin-token-0123456789";
  private static EventLoopGroup group;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final BackendPool pool = BackendPool.builder().balancer(Balancers.roundRobin()).build();
  private Origin o1;
  private Origin o2;
  private HealthChecker checker;
  private ProxyMetrics metrics;
  private AdminServer server;

  @BeforeAll
  static void startLoops() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopLoops() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private void start(AdminToken token, Duration drainTimeout) throws Exception {
    start(token, drainTimeout, new InetSocketAddress("127.0.0.1", 0));
  }

  private void start(AdminToken token, Duration drainTimeout, InetSocketAddress address) throws Exception {
    o1 = new Origin();
    o2 = new Origin();
    closeables.add(o1);
    closeables.add(o2);
    pool.add(Backend.of("b1", o1.address(), 1), Health.UP);
    pool.add(Backend.of("b2", o2.address(), 2), Health.UP);
    metrics = ProxyMetrics.create(pool);
    checker = HealthChecker.builder(pool, group)
        .settings(HealthCheckSettings.builder().interval(Duration.ofMillis(50)).jitter(0.0).build())
        .observer(metrics)
        .build();
    closeables.add(checker);
    checker.start();
    PoolAdmin admin = new PoolAdmin(pool, drainTimeout, group.next());
    AdminServer.Builder b = AdminServer.builder(admin, metrics)
        .address(address)
        .healthChecker(checker)
        .group(group);
    if (token != null) {
      b.token(token);
    }
    server = b.build().start();
    closeables.add(server);
  }

  private void start() throws Exception {
    start(null, Duration.ofSeconds(30));
  }

  private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = request(method, path, body);
    if (!method.equals("GET")) {
      b.header("Content-Type", "application/json"); // every mutating call, with or without a body
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create(origin() + path))
        .timeout(Duration.ofSeconds(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
  }

  /** The admin server's own origin, as its status page (loaded from it) has it. */
  private String origin() {
    return "http://127.0.0.1:" + server.localAddress().getPort();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send(method, path, body, null);
  }

  /** Everything an API call could change, to show that a rejected call changed nothing. */
  private String poolState() {
    return pool.snapshot().all().stream()
        .map(s -> s.id() + "/" + s.backend().address() + "/" + s.weight() + "/" + s.health() + "/" + s.adminState())
        .collect(Collectors.joining(","));
  }

  private void assertError(HttpResponse<String> r, int status, String field, String messageStart) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("field").asText()).isEqualTo(field);
    assertThat(n.get("error").asText()).startsWith(messageStart);
  }

  @Test
  void listShowsEveryBackendWithItsStateCountersAndLastCheck() throws Exception {
    start();
    metrics.exchangeCompleted("b1", 200, 1_000_000, 0, 0);
    metrics.exchangeCompleted("b1", 502, 1_000_000, 0, 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> checker.lastCheck("b1").isPresent() && checker.lastCheck("b2").isPresent());
    HttpResponse<String> r = send("GET", "/api/backends", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode arr = JSON.readTree(r.body());
    assertThat(arr.size()).isEqualTo(2);
    JsonNode b1 = arr.get(0);
    assertThat(b1.get("id").asText()).isEqualTo("b1");
    assertThat(b1.get("address").asText()).isEqualTo(o1.address());
    assertThat(b1.get("weight").asInt()).isEqualTo(1);
    assertThat(b1.get("health").asText()).isEqualTo("UP");
    assertThat(b1.get("adminState").asText()).isEqualTo("ACTIVE");
    assertThat(b1.get("inFlight").asInt()).isZero();
    assertThat(b1.get("requests").asLong()).isEqualTo(2);
    assertThat(b1.get("failures").asLong()).isEqualTo(1);
    assertThat(b1.get("lastCheck").get("passed").asBoolean()).isTrue();
    assertThat(b1.get("lastCheck").get("detail").asText()).isEqualTo("status 200");
    assertThat(arr.get(1).get("weight").asInt()).isEqualTo(2);
    List<String> fields = new ArrayList<>();
    b1.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("id", "address", "weight", "source", "health", "healthReason", "healthSince",
        "ejectedUntil", "adminState", "lastChange", "inFlight", "requests", "failures", "lastCheck", "ratesPerSecond", "p95Millis");
    assertThat(b1.get("source").asText()).isEqualTo("file");
    assertThat(b1.get("healthReason").asText()).isEqualTo("joined UP");
    assertThat(b1.get("ejectedUntil").isNull()).isTrue();
  }

  @Test
  void postedBackendJoinsDownAndComesUpAfterPassingItsChecks() throws Exception {
    start();
    try (Origin o3 = new Origin()) {
      HttpResponse<String> r = send("POST", "/api/backends",
          "{\"address\": \"" + o3.address() + "\", \"weight\": 3, \"id\": \"b3\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      assertThat(r.headers().firstValue("location")).hasValue("/api/backends/b3");
      JsonNode n = JSON.readTree(r.body());
      assertThat(n.get("health").asText()).isEqualTo("DOWN");
      assertThat(n.get("weight").asInt()).isEqualTo(3);
      await().atMost(Duration.ofSeconds(5)).until(() -> pool.snapshot().get("b3").health() == Health.UP);
      assertThat(o3.requests.get()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void postWithoutIdUsesTheAddressAsIdAndWeightOne() throws Exception {
    start();
    HttpResponse<String> r = send("POST", "/api/backends", "{\"address\": \"127.0.0.1:1\"}");
    assertThat(r.statusCode()).isEqualTo(201);
    BackendState s = pool.snapshot().get("127.0.0.1:1");
    assertThat(s.weight()).isEqualTo(1);
    assertThat(s.health()).isEqualTo(Health.DOWN);
  }

  @Test
  void everyBadAddLeavesThePoolUnchangedAndNamesTheField() throws Exception {
    start();
    String before = poolState();
    assertError(send("POST", "/api/backends", "{\"address\": "), 400, "body", "body: invalid JSON");
    assertError(send("POST", "/api/backends", ""), 400, "body", "body: empty (expected: a JSON object)");
    assertError(send("POST", "/api/backends", "[1,2]"), 400, "body", "body: array (expected: a JSON object)");
    assertError(send("POST", "/api/backends", "{}"), 400, "address", "address: missing");
    assertError(send("POST", "/api/backends", "{\"address\": 80}"), 400, "address", "address: 80 (expected: a \"host:port\" string)");
    assertError(send("POST", "/api/backends", "{\"address\": \"nohost\"}"), 400, "address", "address: 'nohost' (expected: host:port)");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:70000\"}"), 400, "address", "port: 70000");
    assertError(send("POST", "/api/backends", "{\"address\": \"bad host:80\"}"), 400, "address", "address: 'bad host:80'");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"weight\": 0}"), 400, "weight", "weight: 0 (expected: an integer 1..1000)");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"weight\": 1001}"), 400, "weight", "weight: 1001");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"weight\": 1.5}"), 400, "weight", "weight: 1.5");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"weight\": \"2\"}"), 400, "weight", "weight: \"2\"");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"id\": \"a/b\"}"), 400, "id", "backend id: 'a/b'");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"id\": 7}"), 400, "id", "id: 7 (expected: a string)");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"colour\": \"red\"}"), 400, "colour", "colour: unknown field");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"id\": \"b1\"}"), 409, "id", "backend id: 'b1'");
    assertError(send("POST", "/api/backends", "{\"address\": \"" + o1.address() + "\", \"id\": \"b9\"}"), 409, "address", "address: '" + o1.address() + "'");
    assertError(send("POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"pad\": \"" + "x".repeat(70_000) + "\"}"), 413, "body", "body: more than 65536 bytes");
    assertThat(poolState()).isEqualTo(before);
  }

  @Test
  void drainEnableAndMaintenanceChangeTheAdminState() throws Exception {
    start();
    HttpResponse<String> r = send("POST", "/api/backends/b1/drain", null);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(r.body()).get("adminState").asText()).isEqualTo("DRAINING");
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.DRAINING);
    assertThat(pool.snapshot().available()).extracting(BackendState::id).containsExactly("b2");

    r = send("POST", "/api/backends/b1/enable", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.ACTIVE);

    r = send("POST", "/api/backends/b1/maintenance", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("adminState").asText()).isEqualTo("MAINTENANCE");
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.MAINTENANCE);
  }

  @Test
  void callsOnUnknownBackendsAre404AndChangeNothing() throws Exception {
    start();
    String before = poolState();
    for (String[] call : new String[][] {{"POST", "/api/backends/nope/drain"}, {"POST", "/api/backends/nope/enable"},
        {"POST", "/api/backends/nope/maintenance"}, {"DELETE", "/api/backends/nope"}, {"GET", "/api/backends/nope"}}) {
      assertError(send(call[0], call[1], null), 404, "id", "id: 'nope' (expected: a backend in the pool)");
    }
    assertError(send("PUT", "/api/backends/nope/weight", "{\"weight\": 2}"), 404, "id", "id: 'nope'");
    assertError(send("POST", "/api/backends/b1/explode", null), 404, "path", "path: '/api/backends/b1/explode'");
    assertError(send("GET", "/nothing/here", null), 404, "path", "path: '/nothing/here'");
    HttpResponse<String> put = send("PUT", "/api/backends", "{}");
    assertError(put, 405, "method", "method: PUT (expected: GET or POST)");
    assertThat(put.headers().firstValue("allow")).contains("GET, POST");
    HttpResponse<String> get = send("GET", "/api/backends/b1/drain", null);
    assertError(get, 405, "method", "method: GET (expected: POST)");
    assertThat(get.headers().firstValue("allow")).contains("POST");
    assertThat(poolState()).isEqualTo(before);
  }

  @Test
  void weightIsUpdatedAndBadWeightsAreRejected() throws Exception {
    start();
    HttpResponse<String> r = send("PUT", "/api/backends/b1/weight", "{\"weight\": 7}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(pool.snapshot().get("b1").weight()).isEqualTo(7);
    String before = poolState();
    assertError(send("PUT", "/api/backends/b1/weight", "{\"weight\": 0}"), 400, "weight", "weight: 0 (expected: an integer 1..1000)");
    assertError(send("PUT", "/api/backends/b1/weight", "{\"weight\": -3}"), 400, "weight", "weight: -3");
    assertError(send("PUT", "/api/backends/b1/weight", "{\"weight\": 1001}"), 400, "weight", "weight: 1001");
    assertError(send("PUT", "/api/backends/b1/weight", "{\"weight\": 99999999999}"), 400, "weight", "weight: 99999999999");
    assertError(send("PUT", "/api/backends/b1/weight", "{\"weight\": null}"), 400, "weight", "weight: null");
    assertError(send("PUT", "/api/backends/b1/weight", "{}"), 400, "weight", "weight: missing");
    assertError(send("PUT", "/api/backends/b1/weight", "7"), 400, "body", "body: number (expected: a JSON object)");
    assertError(send("PUT", "/api/backends/b1/weight", "{\"weight\": 2, \"id\": \"b2\"}"), 400, "id", "id: unknown field");
    assertThat(poolState()).isEqualTo(before);
  }

  @Test
  void deleteDrainsAndRemovesOnceInFlightReachesZero() throws Exception {
    start();
    Lease lease;
    do {
      lease = pool.acquire(PickRequest.EMPTY);
      if (!lease.backend().id().equals("b2")) {
        lease.release();
      }
    } while (!lease.backend().id().equals("b2"));
    HttpResponse<String> r = send("DELETE", "/api/backends/b2", null);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(r.body()).get("adminState").asText()).isEqualTo("DRAINING");
    assertThat(pool.snapshot().get("b2").adminState()).isEqualTo(AdminState.DRAINING);
    assertThat(pool.snapshot().available()).extracting(BackendState::id).containsExactly("b1");
    assertError(send("POST", "/api/backends/b2/enable", null), 409, "id", "id: 'b2' (expected: a backend not being removed)");
    lease.release();
    assertThat(pool.snapshot().get("b2")).isNull();
    assertThat(JSON.readTree(send("GET", "/api/backends", null).body()).size()).isEqualTo(1);
  }

  @Test
  void deleteRemovesABusyBackendWhenTheDrainTimeoutPasses() throws Exception {
    start(null, Duration.ofMillis(300));
    Lease lease = pool.acquire(PickRequest.EMPTY.excluding("b2"));
    assertThat(lease.backend().id()).isEqualTo("b1");
    assertThat(send("DELETE", "/api/backends/b1", null).statusCode()).isEqualTo(202);
    assertThat(pool.snapshot().get("b1")).isNotNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.snapshot().get("b1") == null);
    lease.release(); // a late release of a removed backend is harmless
    assertThat(pool.snapshot().all()).extracting(BackendState::id).containsExactly("b2");
  }

  @Test
  void withATokenMutatingCallsWithoutItAre401AndChangeNothing() throws Exception {
    start(AdminToken.of(TOKEN), Duration.ofSeconds(30));
    String before = poolState();
    String[][] calls = {{"POST", "/api/backends", "{\"address\": \"127.0.0.1:9\", \"id\": \"b9\"}"},
        {"POST", "/api/backends/b1/drain", null}, {"POST", "/api/backends/b1/enable", null},
        {"POST", "/api/backends/b1/maintenance", null}, {"DELETE", "/api/backends/b1", null},
        {"PUT", "/api/backends/b1/weight", "{\"weight\": 9}"}};
    for (String[] c : calls) {
      HttpResponse<String> none = send(c[0], c[1], c[2], null);
      assertError(none, 401, "Authorization", "Authorization: missing or wrong bearer token");
      assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"loadstone-admin\"");
      assertError(send(c[0], c[1], c[2], TOKEN + "x"), 401, "Authorization", "Authorization");
      assertError(send(c[0], c[1], c[2], "short"), 401, "Authorization", "Authorization");
    }
    assertThat(poolState()).isEqualTo(before);
    assertThat(send("GET", "/api/backends", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/api/backends/b1/weight", "{\"weight\": 9}", TOKEN).statusCode()).isEqualTo(200);
    assertThat(pool.snapshot().get("b1").weight()).isEqualTo(9);
  }

  @Test
  void metricsAreAParsablePrometheusScrapeWithThePerBackendCounters() throws Exception {
    start();
    for (int i = 0; i < 12; i++) {
      metrics.exchangeCompleted(i % 3 == 0 ? "b2" : "b1", 200, 2_000_000, 0, 10);
    }
    HttpResponse<String> r = send("GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    var series = PrometheusText.parse(r.body());
    assertThat(series).containsEntry("loadstone_backend_requests_total{backend=\"b1\",status_class=\"2xx\"}", 8.0)
        .containsEntry("loadstone_backend_requests_total{backend=\"b2\",status_class=\"2xx\"}", 4.0)
        .containsEntry("loadstone_backend_health{backend=\"b1\"}", 1.0);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        PrometheusText.parse(send("GET", "/metrics", null).body()).keySet().stream()
            .anyMatch(k -> k.startsWith("loadstone_health_check_duration_seconds_count{backend=\"b1\",result=\"pass\"")));
  }

  @Test
  void statusPageIsSelfContainedHtmlThatNoOtherPageCanFrameOrScript() throws Exception {
    start();
    pool.add(Backend.of("<script>", "127.0.0.1:7", 1), Health.DOWN);
    HttpResponse<String> r = send("GET", "/", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(r.body()).contains("<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>", ">b1<", ">b2<",
        "&lt;script&gt;", "2 of 3 backends available");
    assertThat(r.body()).as("one inline script, no external assets").containsOnlyOnce("<script>").doesNotContain("src=", "href=");
    assertThat(r.headers().firstValue("content-security-policy")).get().asString()
        .contains("default-src 'none'", "script-src 'sha256-", "connect-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-eval", "script-src 'unsafe-inline'");
    assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
  }

  @Test
  void aCrossSiteTextPlainPostChangesNothing() throws Exception {
    start();
    String before = poolState();
    // What any web page can make a browser send without a CORS preflight: fetch(..., {mode: "no-cors", method:
    // "POST", body}) or an HTML form. Chromium and Firefox add Origin and the Sec-Fetch-* headers.
    for (String path : new String[] {"/api/backends/b1/drain", "/api/backends/b2/maintenance"}) {
      HttpResponse<String> r = http.send(request("POST", path, "{}")
          .header("Content-Type", "text/plain;charset=UTF-8")
          .header("Origin", "https://evil.example")
          .header("Sec-Fetch-Site", "cross-site")
          .header("Sec-Fetch-Mode", "no-cors")
          .header("Sec-Fetch-Dest", "empty")
          .build(), HttpResponse.BodyHandlers.ofString());
      assertError(r, 403, "Origin", "Origin: 'https://evil.example' (expected: this admin server's own origin");
    }
    HttpResponse<String> add = http.send(request("POST", "/api/backends", "{\"address\": \"127.0.0.1:6666\", \"id\": \"evil\"}")
        .header("Content-Type", "text/plain;charset=UTF-8").header("Origin", "https://evil.example")
        .header("Sec-Fetch-Site", "cross-site").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(add.statusCode()).isEqualTo(403);
    assertThat(poolState()).isEqualTo(before);
  }

  @Test
  void aSimpleRequestWithoutJsonIsRefusedEvenWithoutOriginHeaders() throws Exception {
    start();
    String before = poolState();
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
      HttpResponse<String> r = http.send(request("POST", "/api/backends/b1/drain", "a=b").header("Content-Type", type).build(),
          HttpResponse.BodyHandlers.ofString());
      assertError(r, 415, "Content-Type", "Content-Type: '" + type + "' (expected: application/json, also for calls without a body)");
      assertThat(r.headers().firstValue("accept")).hasValue("application/json");
    }
    HttpResponse<String> none = http.send(request("DELETE", "/api/backends/b1", null).build(), HttpResponse.BodyHandlers.ofString());
    assertError(none, 415, "Content-Type", "Content-Type: missing (expected: application/json");
    assertThat(poolState()).isEqualTo(before);
  }

  @Test
  void theStatusPagesOwnCallsAreAccepted() throws Exception {
    start();
    // A same-origin fetch() from the status page at http://127.0.0.1:PORT/, as Chromium sends it.
    HttpResponse<String> r = http.send(request("POST", "/api/backends/b1/drain", null)
        .header("Content-Type", "application/json")
        .header("Origin", origin())
        .header("Referer", origin() + "/")
        .header("Sec-Fetch-Site", "same-origin")
        .header("Sec-Fetch-Mode", "cors")
        .header("Sec-Fetch-Dest", "empty")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.DRAINING);
    // The same page opened as http://localhost:PORT/.
    String local = "http://localhost:" + server.localAddress().getPort();
    HttpResponse<String> enable = http.send(HttpRequest.newBuilder(URI.create(local + "/api/backends/b1/enable"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json; charset=utf-8")
        .header("Origin", local).header("Sec-Fetch-Site", "same-origin").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(enable.statusCode()).as(enable.body()).isEqualTo(200);
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.ACTIVE);
  }

  @Test
  void anotherPortOnTheSameHostIsAnotherOriginAndIsRefused() throws Exception {
    start();
    String before = poolState();
    HttpResponse<String> r = http.send(request("POST", "/api/backends/b1/drain", null)
        .header("Content-Type", "application/json").header("Origin", "http://127.0.0.1:8080").build(),
        HttpResponse.BodyHandlers.ofString());
    assertError(r, 403, "Origin", "Origin: 'http://127.0.0.1:8080'");
    HttpResponse<String> site = http.send(request("POST", "/api/backends/b1/drain", null)
        .header("Content-Type", "application/json").header("Sec-Fetch-Site", "same-site").build(),
        HttpResponse.BodyHandlers.ofString());
    assertError(site, 403, "Sec-Fetch-Site", "Sec-Fetch-Site: same-site (expected: same-origin or none");
    HttpResponse<String> opaque = http.send(request("POST", "/api/backends/b1/drain", null)
        .header("Content-Type", "application/json").header("Origin", "null").build(), HttpResponse.BodyHandlers.ofString());
    assertError(opaque, 403, "Origin", "Origin: 'null'");
    assertThat(poolState()).isEqualTo(before);
  }

  @Test
  void aDnsRebindingHostIsRefusedEvenForReads() throws Exception {
    start();
    String before = poolState();
    int port = server.localAddress().getPort();
    try (dev.loadstone.proxy.RawClient c = new dev.loadstone.proxy.RawClient(server.localAddress())) {
      dev.loadstone.proxy.RawClient.Response r = c.send("GET /api/backends HTTP/1.1\r\nHost: evil.test:" + port + "\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(403);
      assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("Host");
      // The rebound page is same-origin with itself: Origin matches Host, and it may send JSON.
      r = c.send("POST /api/backends/b1/drain HTTP/1.1\r\nHost: evil.test:" + port + "\r\nOrigin: http://evil.test:" + port
          + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").read();
      assertThat(r.status()).isEqualTo(403);
      for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "127.0.0.2", "app.localhost"}) {
        assertThat(c.send("GET /api/backends HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read().status()).as(host).isEqualTo(200);
      }
    }
    assertThat(poolState()).isEqualTo(before);
  }

  @Test
  void aNonLoopbackAdminWithoutATokenRefusesToBuild() {
    PoolAdmin admin = new PoolAdmin(pool, Duration.ofSeconds(1), group.next());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminServer.builder(admin, ProxyMetrics.create(pool))
            .address(new InetSocketAddress("0.0.0.0", 0)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("admin 0.0.0.0:0: not a loopback address and no admin token"
            + " (expected: --admin-token-file FILE or LOADSTONE_ADMIN_TOKEN, or a loopback address such as 127.0.0.1:0)");
  }

  @Test
  void onANonLoopbackAddressReadsNeedTheTokenTooAsBearerOrBasic() throws Exception {
    start(AdminToken.of(TOKEN), Duration.ofSeconds(30), new InetSocketAddress("0.0.0.0", 0));
    for (String path : new String[] {"/", "/metrics", "/api/backends", "/api/backends/b1"}) {
      HttpResponse<String> r = send("GET", path, null);
      assertError(r, 401, "Authorization", "Authorization: missing or wrong admin token");
      assertThat(r.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"loadstone-admin\", charset=\"UTF-8\"");
    }
    assertThat(send("GET", "/api/backends", null, TOKEN).statusCode()).isEqualTo(200);
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(http.send(request("GET", "/", null).header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).as("a browser after the Basic prompt").isEqualTo(200);
    HttpResponse<String> drain = http.send(request("POST", "/api/backends/b1/drain", null).header("Authorization", basic)
        .header("Content-Type", "application/json").header("Origin", origin()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(drain.statusCode()).as(drain.body()).isEqualTo(202);
  }

  @Test
  void callsWithoutParametersTakeAnEmptyBodyOrAnEmptyObjectOnly() throws Exception {
    start();
    assertThat(send("POST", "/api/backends/b1/drain", "{}").statusCode()).isEqualTo(202);
    assertThat(send("POST", "/api/backends/b1/enable", "").statusCode()).isEqualTo(200);
    String before = poolState();
    assertError(send("POST", "/api/backends/b1/maintenance", "{\"now\": true}"), 400, "now", "now: unknown field");
    assertError(send("DELETE", "/api/backends/b1", "[]"), 400, "body", "body: array (expected: a JSON object)");
    assertThat(poolState()).isEqualTo(before);
  }
}
