package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The balancing algorithms as seen through the proxy by a client. */
class BalancingTest {
  private final Map<String, TestOrigin> origins = new HashMap<>();
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    origins.values().forEach(TestOrigin::close);
  }

  private ProxyConfigBuilder backends(String... idsAndWeights) {
    ProxyConfigBuilder b = ProxyConfig.builder().listen("127.0.0.1:0");
    for (String s : idsAndWeights) {
      String[] p = s.split("=");
      TestOrigin o = TestOrigin.start(p[0]);
      origins.put(p[0], o);
      b.addBackend(o.address() + ",id=" + p[0] + (p.length > 1 ? ",weight=" + p[1] : ""));
    }
    return b;
  }

  private void start(ProxyConfigBuilder b) {
    proxy = ProxyServer.builder(b.build()).eventLoopThreads(1).start();
  }

  private RawClient.Response get(String path, String... headers) throws Exception {
    try (RawClient c = new RawClient(proxy.localAddress())) {
      return c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + String.join("", headers) + "\r\n").read();
    }
  }

  @Test
  void weightedRoundRobinFollowsTheSmoothNginxSequence() throws Exception {
    start(backends("a=5", "b=1", "c=1").algorithm(Algorithm.WEIGHTED_ROUND_ROBIN));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      seen.add(get("/").body());
    }
    assertThat(seen).containsExactly("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a");
  }

  @Test
  void theDefaultRoundRobinHonoursWeightsAndAWeightChangedWhileRunning() throws Exception {
    start(backends("a=3", "b=1")); // --backend ...,weight=3 with the default algorithm
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 12; i++) {
      counts.merge(get("/").body(), 1, Integer::sum);
    }
    assertThat(counts).containsEntry("a", 9).containsEntry("b", 3);
    proxy.pool().setWeight("b", 3); // what PUT /api/backends/b/weight does
    counts.clear();
    for (int i = 0; i < 12; i++) {
      counts.merge(get("/").body(), 1, Integer::sum);
    }
    assertThat(counts).containsEntry("a", 6).containsEntry("b", 6);
  }

  @Test
  void leastConnectionsSteersAwayFromABackendBusyWithASlowRequest() throws Exception {
    start(backends("a", "b").algorithm(Algorithm.LEAST_CONNECTIONS));
    CompletableFuture<RawClient.Response> slow = CompletableFuture.supplyAsync(() -> {
      try {
        return get("/slow?ms=1500");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> origins.get("a").inFlight.get() + origins.get("b").inFlight.get() == 1);
    String busy = origins.get("a").inFlight.get() == 1 ? "a" : "b";
    String idle = busy.equals("a") ? "b" : "a";
    for (int i = 0; i < 5; i++) {
      assertThat(get("/").body()).as("fast request " + i).isEqualTo(idle);
    }
    assertThat(slow.get().body()).isEqualTo(busy);
  }

  @Test
  void consistentHashSendsTheSameKeyToTheSameBackend() throws Exception {
    start(backends("a", "b", "c").algorithm(Algorithm.CONSISTENT_HASH).hashKey("header:X-User"));
    for (String user : List.of("alice", "bob", "carol", "dave")) {
      String first = get("/", "X-User: " + user + "\r\n").body();
      for (int i = 0; i < 5; i++) {
        assertThat(get("/", "X-User: " + user + "\r\n").body()).isEqualTo(first);
      }
    }
  }

  private static final Pattern COOKIE = Pattern.compile("LB=([^;]+); Path=/; Max-Age=86400; HttpOnly; SameSite=Lax");

  @Test
  void stickyCookieKeepsAClientOnItsBackendAndMovesItWhenThatBackendStops() throws Exception {
    start(backends("a", "b", "c").stickyCookie("LB").addStickyKey("k1", new byte[32]));
    RawClient.Response first = get("/");
    Matcher m = COOKIE.matcher(first.header("set-cookie"));
    assertThat(m.matches()).as(first.header("set-cookie")).isTrue();
    String cookie = m.group(1);
    String home = first.body();
    for (int i = 0; i < 6; i++) {
      RawClient.Response r = get("/", "Cookie: LB=" + cookie + "\r\n");
      assertThat(r.body()).isEqualTo(home);
      assertThat(r.header("set-cookie")).isNull();
    }
    origins.get(home).close();
    RawClient.Response moved = get("/", "Cookie: LB=" + cookie + "\r\n");
    assertThat(moved.status()).isEqualTo(200);
    assertThat(moved.body()).isNotEqualTo(home);
    Matcher m2 = COOKIE.matcher(moved.header("set-cookie"));
    assertThat(m2.matches()).isTrue();
    for (int i = 0; i < 4; i++) {
      assertThat(get("/", "Cookie: LB=" + m2.group(1) + "\r\n").body()).isEqualTo(moved.body());
    }
  }

  @Test
  void stickyCookieIsSecureWhenATrustedProxySaysTheClientUsedHttps() throws Exception {
    start(backends("a").stickyCookie("LB").addStickyKey("k1", new byte[32]).trustedProxies(List.of("127.0.0.0/8")));
    assertThat(get("/", "X-Forwarded-Proto: https\r\n").header("set-cookie")).endsWith("; HttpOnly; SameSite=Lax; Secure");
    assertThat(get("/").header("set-cookie")).endsWith("; HttpOnly; SameSite=Lax");
  }

  @Test
  void forwardedProtoFromAnUntrustedClientDoesNotMakeTheCookieSecure() throws Exception {
    start(backends("a").stickyCookie("LB").addStickyKey("k1", new byte[32]));
    assertThat(get("/", "X-Forwarded-Proto: https\r\n").header("set-cookie")).endsWith("; HttpOnly; SameSite=Lax");
  }
}
