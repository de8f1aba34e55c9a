package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone proxy as a child JVM: signals, config reload and graceful shutdown. */
class ProxyProcessIT {
  private final List<Origin> origins = new ArrayList<>();
  private ProxyProcess proxy;

  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
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

  static String config(Origin... backends) {
    StringBuilder sb = new StringBuilder("listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nhealth-path: /healthz\n"
        + "health-interval: 100ms\nhealth-rise: 2\nshutdown-timeout: 20s\nbackends:\n");
    for (Origin o : backends) {
      sb.append("  - {id: ").append(o.id).append(", address: \"").append(o.address()).append("\"}\n");
    }
    return sb.toString();
  }

  /** Replaces the file in one step, as config-management tools do. */
  static void write(Path dir, Path file, String text) throws Exception {
    Path tmp = Files.createTempFile(dir, "next", ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void write(Path file, String text) throws Exception {
    write(dir, file, text);
  }

  private void startProxy(Path configFile) throws Exception {
    proxy = ProxyProcess.start("--config", configFile.toString());
  }

  private JsonNode backends() throws Exception {
    return proxy.backends();
  }

  private boolean logged(String text) {
    return proxy.logged(text);
  }

  @Test
  void sigtermLetsSlowRequestsFinishRefusesNewConnectionsAndExitsZero() throws Exception {
    Origin b1 = origin("b1");
    Path cfg = dir.resolve("proxy.yaml");
    write(cfg, config(b1));
    startProxy(cfg);
    List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slow.add(proxy.http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.proxyPort + "/slow?ms=2000")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> b1.inFlightSlow.get() == 3);

    proxy.process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.proxyPort).close()).isInstanceOf(ConnectException.class));
    assertThat(b1.inFlightSlow.get()).as("still in flight when new connections are already refused").isPositive();
    for (CompletableFuture<HttpResponse<String>> f : slow) {
      HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("b1");
    }
    assertThat(proxy.stop()).as(proxy.text()).isZero();
    assertThat(logged("lb-proxy stopping")).as(proxy.text()).isTrue();
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
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.count("config reload rejected") >= 2);
    assertThat(backends().size()).isEqualTo(2);

    write(cfg, config(b2));
    await().atMost(Duration.ofSeconds(10)).until(() -> backends().size() == 1);
    assertThat(backends().get(0).get("id").asText()).isEqualTo("b2");

    int before = proxy.output.size();
    proxy.signal("HUP");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.output.subList(before, proxy.output.size()).stream()
        .anyMatch(l -> l.contains("config reloaded: added [], removing [], reweighted []")));
    assertThat(logged("SIGHUP: reloading")).isTrue();
    assertThat(proxy.stop()).isZero();
  }
}
