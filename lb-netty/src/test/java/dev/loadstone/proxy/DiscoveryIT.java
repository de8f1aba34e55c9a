package dev.loadstone.proxy;

import static dev.loadstone.proxy.discovery.TestDnsServer.a;
import static dev.loadstone.proxy.discovery.TestDnsServer.srv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadstone.proxy.discovery.TestDnsServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The standalone proxy finds its backends by DNS SRV records, sends them traffic once checked, and follows changes. */
class DiscoveryIT {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final TestOrigin one = TestOrigin.start("one");
  private final TestOrigin two = TestOrigin.start("two");
  private final TestDnsServer dns;
  private Main main;

  DiscoveryIT() throws InterruptedException {
    dns = new TestDnsServer();
  }

  @AfterEach
  void stop() {
    if (main != null) {
      if (main.discovery() != null) {
        main.discovery().close();
      }
      main.server().close();
      main.operations().close();
    }
    dns.close();
    one.close();
    two.close();
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void backendsFromSrvRecordsJoinThroughHealthChecksAndLeaveWhenTheirRecordGoes() throws Exception {
    dns.set("_http._tcp.app.test", srv(10, 1, one.port(), "one.test", 0), srv(10, 1, two.port(), "two.test", 0));
    dns.set("one.test", a("127.0.0.1", 0));
    dns.set("two.test", a("127.0.0.1", 0));
    main = new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), false);
    int code = Main.run(new String[] {"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend-srv", "_http._tcp.app.test",
        "--dns-server", "127.0.0.1:" + dns.address().getPort(), "--dns-min-interval", "50ms",
        "--health-interval", "100ms", "--health-timeout", "50ms", "--health-rise", "1"}, main);
    assertThat(code).isZero();
    String proxy = "http://127.0.0.1:" + main.server().localAddress().getPort() + "/";
    String api = "http://127.0.0.1:" + main.operations().adminAddress().getPort() + "/api/backends";

    Set<String> answered = new HashSet<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      answered.add(get(proxy));
      return answered.containsAll(Set.of("one", "two"));
    });
    JsonNode list = new ObjectMapper().readTree(get(api));
    assertThat(list).hasSize(2);
    for (JsonNode b : list) {
      assertThat(b.get("source").asText()).isEqualTo("dns");
    }

    dns.set("_http._tcp.app.test", srv(10, 1, two.port(), "two.test", 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> new ObjectMapper().readTree(get(api)).size() == 1);
    for (int i = 0; i < 10; i++) {
      assertThat(get(proxy)).isEqualTo("two");
    }
  }

  @Test
  void aNameThatStopsResolvingKeepsItsLastKnownBackendsServingAndTheirRecordsLaterChangeThePool() throws Exception {
    dns.set("app.test", a("127.0.0.1", 0));
    try (TestOrigin other = TestOrigin.start("other", "127.0.0.2", one.port())) { // A records share the port
      main = new Main(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), false);
      assertThat(Main.run(new String[] {"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend-dns", "app.test:" + one.port(),
          "--dns-server", "127.0.0.1:" + dns.address().getPort(), "--dns-min-interval", "50ms",
          "--health-interval", "100ms", "--health-timeout", "50ms", "--health-rise", "1"}, main)).isZero();
      String proxy = "http://127.0.0.1:" + main.server().localAddress().getPort() + "/";
      String admin = "http://127.0.0.1:" + main.operations().adminAddress().getPort();
      await().atMost(Duration.ofSeconds(10)).until(() -> get(proxy).equals("one"));

      dns.remove("app.test"); // NXDOMAIN
      keepsServing(proxy, admin, failures(admin), "one");
      dns.set("app.test", a("127.0.0.1", 0)).servfail("app.test", true);
      keepsServing(proxy, admin, failures(admin), "one");
      dns.servfail("app.test", false).silent(true); // no answer: each lookup waits out the 5 s query timeout
      keepsServing(proxy, admin, failures(admin), "one");

      dns.silent(false).set("app.test", a("127.0.0.2", 0)); // resolves again, to another server
      await().atMost(Duration.ofSeconds(15)).until(() -> {
        JsonNode list = new ObjectMapper().readTree(get(admin + "/api/backends"));
        return list.size() == 1 && list.get(0).get("address").asText().equals("127.0.0.2:" + one.port());
      });
      for (int i = 0; i < 10; i++) {
        assertThat(get(proxy)).isEqualTo("other");
      }
      assertThat(other.requests.get()).isGreaterThanOrEqualTo(10);
    }
  }

  /** Sum of loadstone_discovery_failures_total over its reasons, from the admin's /metrics. */
  private double failures(String admin) throws Exception {
    return get(admin + "/metrics").lines().filter(l -> l.startsWith("loadstone_discovery_failures_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** A failed lookup is counted, and meanwhile the last known backend stays ACTIVE and UP and serves every request. */
  private void keepsServing(String proxy, String admin, double before, String id) throws Exception {
    await().atMost(Duration.ofSeconds(15)).until(() -> failures(admin) > before);
    JsonNode list = new ObjectMapper().readTree(get(admin + "/api/backends"));
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("adminState").asText()).isEqualTo("ACTIVE");
    assertThat(list.get(0).get("health").asText()).isEqualTo("UP");
    for (int i = 0; i < 10; i++) {
      assertThat(get(proxy)).isEqualTo(id);
    }
  }
}
