package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone proxy's access log file across a logrotate-style rename and a real SIGUSR1. */
class AccessLogFileIT {
  @TempDir Path dir;
  private ProxyProcess proxy;
  private Origin origin;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  void sigusr1ReopensTheFileAfterItWasRenamed() throws Exception {
    origin = new Origin("o1");
    Path file = dir.resolve("access.log");
    Path rotated = dir.resolve("access.log.1");
    proxy = ProxyProcess.start("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", origin.address() + ",id=o1",
        "--health-type", "none", "--access-log", file.toString(), "--access-log-format", "%{method} %{target} %{status} %{backend}");
    assertThat(proxy.get("/first").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(file).size() == 1);
    Files.move(file, rotated);
    proxy.signal("USR1");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.logged("access log " + file + " reopened"));
    assertThat(proxy.get("/second").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
    assertThat(Files.readAllLines(rotated)).containsExactly("GET /first 200 o1");
    assertThat(Files.readAllLines(file)).containsExactly("GET /second 200 o1");
    assertThat(proxy.process.isAlive()).isTrue();
    assertThat(proxy.stop()).isZero();
  }
}
