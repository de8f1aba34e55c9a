package dev.loadstone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starts the demo in-process on free ports and drives it through the proxy like a browser would. */
class DemoIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  DemoMain main;
  Demo demo;
  HttpClient browser;
  String proxy;

  /** Extra flags for the demo (subclasses). */
  protected List<String> extraArgs() throws Exception {
    return List.of();
  }

  protected String expectedStore() {
    return "token";
  }

  @BeforeEach
  void startDemo() throws Exception {
    List<Integer> ports = freePorts(3);
    List<String> args = new java.util.ArrayList<>(List.of("--proxy-port", "0", "--admin-port", "0", "--app-ports",
        ports.get(0) + "," + ports.get(1) + "," + ports.get(2)));
    args.addAll(extraArgs());
    StringWriter printed = new StringWriter();
    main = new DemoMain(new PrintWriter(printed, true), false);
    int exit = DemoMain.run(args.toArray(String[]::new), main, null);
    assertThat(exit).isZero();
    demo = main.demo;
    proxy = demo.proxyUrl();
    assertThat(printed.toString()).contains("Open      " + proxy).contains("Admin API " + demo.adminUrl())
        .contains("app-1     http://127.0.0.1:" + ports.get(0) + "/");
    browser = HttpClient.newBuilder()
        .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterEach
  void stopDemo() throws Exception {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void visitsAcrossAllThreeServersKeepOneCounter() throws Exception {
    Set<String> servers = new HashSet<>();
    String session = null;
    // round robin spreads them; visit until all three answered (a check under heavy load may briefly
    // take one out of rotation), bounded
    for (int visit = 1; visit <= 30 || (servers.size() < 3 && visit <= 120); visit++) {
      JsonNode whoami = whoami();
      assertThat(whoami.get("visits").asInt()).isEqualTo(visit);
      if (session == null) {
        session = whoami.get("session").asText();
        assertThat(session).hasSize(8);
      }
      assertThat(whoami.get("session").asText()).isEqualTo(session);
      servers.add(whoami.get("server").asText());
    }
    assertThat(servers).containsExactlyInAnyOrder("app-1", "app-2", "app-3");
  }

  @Test
  void stoppingOneServerLosesNoSessionAndFailsNoRequest() throws Exception {
    int visits = 0;
    for (int i = 0; i < 6; i++) {
      assertThat(whoami().get("visits").asInt()).isEqualTo(++visits);
    }
    HttpResponse<String> stop = send(HttpRequest.newBuilder(URI.create(proxy + "demo/stop"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("server=app-2")));
    assertThat(stop.statusCode()).isEqualTo(303);
    await().atMost(Duration.ofSeconds(10)).until(() -> !demo.app("app-2").isRunning());

    Set<String> servers = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      JsonNode whoami = whoami(); // every request succeeds: the proxy retries elsewhere, then checks mark it DOWN
      assertThat(whoami.get("visits").asInt()).isEqualTo(++visits);
      servers.add(whoami.get("server").asText());
    }
    assertThat(servers).containsExactlyInAnyOrder("app-1", "app-3");

    HttpResponse<String> start = send(HttpRequest.newBuilder(URI.create(proxy + "demo/start"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("server=app-2")));
    assertThat(start.statusCode()).isEqualTo(303);
    int[] counter = {visits};
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonNode whoami = whoami();
      assertThat(whoami.get("visits").asInt()).isEqualTo(++counter[0]);
      return whoami.get("server").asText().equals("app-2");
    });
  }

  @Test
  void thePageShowsTheServerTheSessionTheCounterAndTheButtons() throws Exception {
    HttpResponse<String> first = send(HttpRequest.newBuilder(URI.create(proxy)).GET());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
    assertThat(first.body()).containsPattern("Answered by <b id=\"server\">app-[123]</b>")
        .contains("Visits in this session: <b id=\"visits\">1</b>")
        .containsPattern("Session <code id=\"session\">[A-Za-z0-9_-]{8}…</code> \\(" + expectedStore() + " store\\)")
        .contains("<input type=\"hidden\" name=\"server\" value=\"app-1\"><button>Stop</button>")
        .contains("<input type=\"hidden\" name=\"server\" value=\"app-3\"><button>Stop</button>");
    assertThat(send(HttpRequest.newBuilder(URI.create(proxy)).GET()).body())
        .contains("Visits in this session: <b id=\"visits\">2</b>");
  }

  @Test
  void theLastRunningServerCannotBeStopped() throws Exception {
    for (String name : List.of("app-1", "app-2")) {
      assertThat(send(HttpRequest.newBuilder(URI.create(proxy + "demo/stop"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("server=" + name))).statusCode()).isEqualTo(303);
      await().atMost(Duration.ofSeconds(10)).until(() -> !demo.app(name).isRunning());
    }
    HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(proxy + "demo/stop"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("server=app-3")));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).isEqualTo("not stopping app-3: it is the last one running\n");
  }

  @Test
  void theAdminApiAnswersOnItsOwnPort() throws Exception {
    HttpResponse<String> status = send(HttpRequest.newBuilder(URI.create(demo.adminUrl())).GET());
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).contains("app-1").contains("app-2").contains("app-3");
  }

  @Test
  void theStatusPageShowsTheScalingAdvisorsRecommendation() throws Exception {
    // three idle backends: rps-per-backend 0 < 1 proposes 2, which is min; the first decision has no cooldown
    JsonNode scaling = await().atMost(Duration.ofSeconds(10)).until(
        () -> JSON.readTree(send(HttpRequest.newBuilder(URI.create(demo.adminUrl() + "api/scaling")).GET()).body()),
        n -> n.has("desired"));
    assertThat(scaling.get("current").asInt()).isEqualTo(3);
    assertThat(scaling.get("desired").asInt()).isEqualTo(2);
    assertThat(scaling.get("rules").toString()).isEqualTo("[\"rps-per-backend > 5: add 1\",\"rps-per-backend < 1: remove 1\"]");
    assertThat(send(HttpRequest.newBuilder(URI.create(demo.adminUrl())).GET()).body())
        .contains("<p id=\"scaling\">Scaling advisor: recommends 2 backends (now 3; ");
  }

  @Test
  void helpListsTheFlags() {
    StringWriter out = new StringWriter();
    int exit = DemoMain.run(new String[] {"--help"}, new DemoMain(new PrintWriter(out, true), false), null);
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--proxy-port", "--admin-port", "--app-ports", "--redis", "--store",
        "--help");
  }

  private JsonNode whoami() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(proxy + "whoami")).GET());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return browser.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<Integer> freePorts(int n) throws IOException {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      Integer[] ports = new Integer[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return List.of(ports);
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }
}
