package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.Health;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health, drain, slow-start, shutdown and admin-token keys of the proxy config. */
class OperationsConfigTest {
  @TempDir Path dir;

  private ProxyConfig load(String yaml) throws Exception {
    Path p = dir.resolve("proxy.yaml");
    Files.writeString(p, "backends: [127.0.0.1:9001]\n" + yaml);
    return ProxyConfig.load(p);
  }

  @Test
  void withoutHealthKeysBackendsGetTcpChecksAndTheDocumentedDefaults() throws Exception {
    ProxyConfig c = load("");
    assertThat(c.health().type()).isEqualTo(HealthCheckSettings.Type.TCP);
    assertThat(c.health().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.health().timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.health().rise()).isEqualTo(2);
    assertThat(c.health().fall()).isEqualTo(3);
    assertThat(c.slowStart()).isZero();
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.adminTokenFile()).isNull();
  }

  @Test
  void aHealthPathMeansHttpChecksAndEveryKeyIsRead() throws Exception {
    ProxyConfig c = load("health-path: /healthz\nhealth-interval: 500ms\nhealth-timeout: 250ms\nhealth-rise: 4\n"
        + "health-fall: 5\nslow-start: 30s\ndrain-timeout: 5s\nshutdown-timeout: 1m\nadmin-token-file: /etc/token\n");
    assertThat(c.health().type()).isEqualTo(HealthCheckSettings.Type.HTTP);
    assertThat(c.health().path()).isEqualTo("/healthz");
    assertThat(c.health().interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.health().timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.health().rise()).isEqualTo(4);
    assertThat(c.health().fall()).isEqualTo(5);
    assertThat(c.slowStart()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.adminTokenFile()).isEqualTo(Path.of("/etc/token"));
  }

  @Test
  void healthTypeNoneTurnsActiveChecksOff() throws Exception {
    assertThat(load("health-type: none\n").health().type()).isEqualTo(HealthCheckSettings.Type.NONE);
  }

  @Test
  void badHealthValuesAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> load("health-type: ping\n"))
        .hasMessageEndingWith("health-type: 'ping' (expected: http, tcp or none)");
    assertThatThrownBy(() -> load("health-type: tcp\nhealth-path: /x\n"))
        .hasMessageEndingWith("health-path: '/x' (expected: only with health-type http, not tcp)");
    assertThatThrownBy(() -> load("health-rise: 0\n")).hasMessageEndingWith("health-rise: 0 (expected: 1..1000)");
    assertThatThrownBy(() -> load("health-interval: soon\n")).hasMessageContaining("health-interval: 'soon'");
    assertThatThrownBy(() -> load("drain-timeout: 0s\n")).hasMessageContaining("drain-timeout: 0");
  }

  @Test
  void aHealthTimeoutNotBelowTheIntervalIsRefusedNamingBoth() throws Exception {
    assertThatThrownBy(() -> load("health-interval: 2s\nhealth-timeout: 2s\n"))
        .hasMessageEndingWith(": health-timeout: 2s (expected: less than health-interval 2s)");
    assertThatThrownBy(() -> load("health-timeout: 5s\n"))
        .hasMessageEndingWith(": health-timeout: 5s (expected: less than health-interval 2s)");
  }

  @Test
  void theDefaultHealthTimeoutYieldsToAShortInterval() throws Exception {
    ProxyConfig c = load("health-interval: 100ms\n");
    assertThat(c.health().interval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.health().timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(load("health-type: none\nhealth-timeout: 5s\n").health().type()).isEqualTo(HealthCheckSettings.Type.NONE);
  }

  @Test
  void slowStartRampsABackendThatComesUp() {
    AtomicLong now = new AtomicLong();
    ProxyConfig c = ProxyConfig.builder().addBackend("127.0.0.1:9001").slowStart(Duration.ofSeconds(30)).build();
    BackendPool pool = Balancing.newPool(c, now::get);
    pool.add(Backend.of("b1", "127.0.0.1:9001", 10), Health.DOWN);
    pool.setHealth("b1", Health.UP);
    BackendState s = pool.snapshot().get("b1");
    assertThat(s.effectiveWeight(now.get())).isEqualTo(1.0);
    now.addAndGet(Duration.ofSeconds(15).toNanos());
    assertThat(s.effectiveWeight(now.get())).isEqualTo(5.5);
    now.addAndGet(Duration.ofSeconds(15).toNanos());
    assertThat(s.effectiveWeight(now.get())).isEqualTo(10.0);
  }
}
