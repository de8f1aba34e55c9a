package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log and request id settings, as flags and YAML keys, through {@code --check}. */
class AccessLogConfigTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private static final String KNOWN = " (expected one of: client, client_ip, client_port, time, time_iso, method, target, protocol, status, backend, attempts,"
        + " bytes_in, bytes_out, duration_ms, ttfb_ms, sticky, retried, flags, request_id)";

  private int check(String... args) {
    Main main = new Main(new PrintWriter(out, true), new PrintWriter(err, true), false);
    return Main.run(args, main);
  }

  @Test
  void anUnknownPlaceholderInAFlagFailsTheCheckWithOneLineNamingIt() {
    assertThat(check("-t", "--backend", "127.0.0.1:9001", "--access-log-format", "%{client} %{upstream_addr}")).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).containsExactly(
        "lb-proxy: flags: access-log-format: unknown placeholder %{upstream_addr}" + KNOWN,
        "lb-proxy: configuration (flags) is invalid");
  }

  @Test
  void anUnknownPlaceholderInTheFileIsLocated() throws Exception {
    Path p = dir.resolve("proxy.yaml");
    Files.writeString(p, "backends: [127.0.0.1:9001]\naccess-log-format: \"%{nope}\"\n");
    assertThat(check("--check", "--config", p.toString())).isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly(
        "lb-proxy: config file " + p + ":2:20: access-log-format: unknown placeholder %{nope}" + KNOWN,
        "lb-proxy: configuration " + p + " is invalid");
  }

  @Test
  void theCheckShowsTheDefaultsAndTheGivenValues() {
    assertThat(check("-t", "--backend", "127.0.0.1:9001", "--access-log", "/var/log/lb/access.log", "--request-id-response", "true"))
        .isZero();
    assertThat(out.toString().lines()).contains(
        "access-log: /var/log/lb/access.log   # flag --access-log",
        "access-log-format: text   # default",
        "request-id-header: x-request-id   # default",
        "request-id-response: true   # flag --request-id-response");
  }

  @Test
  void requestIdsCanBeTurnedOff() {
    assertThat(check("-t", "--backend", "127.0.0.1:9001", "--request-id-header", "none", "--access-log", "off")).isZero();
    assertThat(out.toString().lines()).contains("request-id-header: none   # flag --request-id-header", "access-log: off   # flag --access-log");
  }
}
