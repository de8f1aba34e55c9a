package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operating the standalone proxy (issue 14): SIGHUP, the watcher switch, who owns a backend, what a reload says. */
class ReloadIT {
  private final List<Origin> origins = new ArrayList<>();
  private ProxyProcess proxy;
  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    origins.forEach(Origin::close);
  }

  private Origin origin(String id) throws Exception {
    Origin o = new Origin(id);
    origins.add(o);
    return o;
  }

  private Path config(String text) throws Exception {
    Path cfg = dir.resolve("proxy.yaml");
    ProxyProcessIT.write(dir, cfg, text);
    return cfg;
  }

  /** Health checks of b1 the proxy has run (each 100 ms): a clock that the test can wait on. */
  private double checks() throws Exception {
    String m = proxy.admin("GET", "/metrics", null).body();
    return PrometheusText.parse(m).getOrDefault("loadstone_health_check_duration_seconds_count{backend=\"b1\",result=\"pass\"}", 0.0);
  }

  @Test
  void sighupWithoutAConfigFileIsALoggedNoOpAndTheProxyKeepsServing() throws Exception {
    Origin b1 = origin("b1");
    proxy = ProxyProcess.start("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", b1.address() + ",id=b1");
    proxy.signal("HUP");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.logged("SIGHUP: no --config file, nothing to reload; the proxy keeps running"));
    assertThat(proxy.process.isAlive()).as(proxy.text()).isTrue();
    assertThat(proxy.get("/").body()).isEqualTo("b1");
    assertThat(proxy.stop()).isZero();
  }

  @Test
  void withWatchConfigFalseAFileChangeWaitsForSighup() throws Exception {
    Origin b1 = origin("b1");
    Origin b2 = origin("b2");
    Path cfg = config(ProxyProcessIT.config(b1) + "watch-config: false\n");
    proxy = ProxyProcess.start("--config", cfg.toString());
    assertThat(proxy.logged("not watching " + cfg)).as(proxy.text()).isTrue();
    config(ProxyProcessIT.config(b1, b2) + "watch-config: false\n");
    double now = checks();
    await().atMost(Duration.ofSeconds(20)).until(() -> checks() >= now + 20); // 2 s: twice the watcher's quiet period
    assertThat(proxy.backends().size()).as("a change alone is not applied").isEqualTo(1);
    proxy.signal("HUP");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.logged("config reloaded: added [b2]"));
    assertThat(proxy.backends().size()).isEqualTo(2);
  }

  @Test
  void aTouchOfTheFileKeepsTheBackendTheApiAddedAndTheWeightItSet() throws Exception {
    Origin b1 = origin("b1");
    Origin b3 = origin("b3");
    Path cfg = config(ProxyProcessIT.config(b1));
    proxy = ProxyProcess.start("--config", cfg.toString());
    assertThat(proxy.admin("POST", "/api/backends", "{\"id\": \"b3\", \"address\": \"" + b3.address() + "\"}").statusCode())
        .isEqualTo(201);
    assertThat(proxy.admin("PUT", "/api/backends/b3/weight", "{\"weight\": 7}").statusCode()).isEqualTo(200);
    assertThat(proxy.admin("PUT", "/api/backends/b1/weight", "{\"weight\": 5}").statusCode()).isEqualTo(200);
    config(ProxyProcessIT.config(b1)); // touched: the same content written again
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.logged("config reloaded: "));
    assertThat(proxy.logged("config reloaded: added [], removing [], reweighted [], removal cancelled [], kept from the admin API [b3]"))
        .as(proxy.text()).isTrue();
    JsonNode api = proxy.backend("b3");
    assertThat(api.get("weight").asInt()).isEqualTo(7);
    assertThat(api.get("source").asText()).isEqualTo("api");
    assertThat(proxy.backend("b1").get("weight").asInt()).as("the file did not change b1's weight").isEqualTo(5);
    assertThat(proxy.backend("b1").get("source").asText()).isEqualTo("file");
  }

  @Test
  void aReloadAppliesLiveKeysAndNamesTheOthersInOneWarnLine() throws Exception {
    Origin b1 = origin("b1");
    Path cfg = config(ProxyProcessIT.config(b1));
    proxy = ProxyProcess.start("--config", cfg.toString());
    config(ProxyProcessIT.config(b1).replace("shutdown-timeout: 20s", "shutdown-timeout: 5s").replace("health-rise: 2", "health-rise: 4")
        + "retries: 1\nconnect-timeout: 1s\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.logged("config reload: "));
    assertThat(proxy.logged("health checks restarted with the reloaded settings")).as(proxy.text()).isTrue();
    assertThat(proxy.output.stream().filter(l -> l.contains("health checks: HealthCheckSettings{") && l.contains("rise=4"))).hasSize(1);
    assertThat(proxy.output.stream().filter(l -> l.contains("WARN") && l.contains("config reload: ")))
        .as(proxy.text())
        .containsExactly(proxy.output.stream().filter(l -> l.contains("config reload: ")).findFirst().orElseThrow())
        .singleElement().asString()
        .endsWith("config reload: 2 keys changed but take effect only after a restart: connect-timeout 2s -> 1s, retries 2 -> 1");
    assertThat(proxy.stop()).isZero();
    assertThat(proxy.logged("finishing in-flight requests (up to 5s)")).as("shutdown-timeout applied live").isTrue();
  }

  @Test
  void aBusyAdminPortFailsWithOneLineAndNoLineBeforeItClaimsSuccess() throws Exception {
    Origin b1 = origin("b1");
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      proxy = ProxyProcess.run("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:" + busy.getLocalPort(), "--backend", b1.address());
    }
    assertThat(proxy.process.exitValue()).isEqualTo(1);
    assertThat(proxy.output).as(proxy.text()).hasSize(1);
    assertThat(proxy.output.get(0)).startsWith("lb-proxy: admin 127.0.0.1:").contains("cannot bind");
  }
}
