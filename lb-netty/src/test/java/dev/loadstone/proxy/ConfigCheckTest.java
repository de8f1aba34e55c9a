package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check} / {@code -t}: validate the configuration and say what would run, as {@code nginx -t} does. */
class ConfigCheckTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    Main main = new Main(new PrintWriter(out, true), new PrintWriter(err, true), false);
    int code = Main.run(args, main);
    assertThat(main.server()).as("--check starts nothing").isNull();
    return code;
  }

  private Path file(String text) throws Exception {
    Path p = dir.resolve("proxy.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void aValidConfigurationPrintsWhatWouldRunWithWhereEachValueCameFromAndExitsZero() throws Exception {
    Path p = file("listen: 127.0.0.1:18080\nbackends:\n  - 127.0.0.1:9001\n  - {address: \"127.0.0.1:9002\", weight: 3, id: b2}\n");
    assertThat(run("-t", "--config", p.toString(), "--retries", "1")).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString().lines()).first().isEqualTo("lb-proxy: configuration " + p
        + " is valid: it would listen on 127.0.0.1:18080 (admin 127.0.0.1:9090) with 2 backends (round-robin)");
    assertThat(out.toString().lines())
        .contains("listen: 127.0.0.1:18080   # config file " + p + ":1:9",
            "backends: [\"127.0.0.1:9001,weight=1,id=127.0.0.1:9001\", \"127.0.0.1:9002,weight=3,id=b2\"]   # config file " + p + ":3:3",
            "retries: 1   # flag --retries",
            "connect-timeout: 2s   # default",
            "latency-buckets: [5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2500ms, 5s, 10s]   # default")
        .hasSize(Settings.ALL.size() + 1);
  }

  @Test
  void anInvalidFileExitsOneWithTheLocatedError() throws Exception {
    Path p = file("backends: [127.0.0.1:9001]\nconnect-timeout: 2\n");
    assertThat(run("--check", "--config", p.toString())).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).containsExactly(
        "lb-proxy: config file " + p + ":2:18: connect-timeout: '2' (expected: a duration such as 500ms, 2s or 1m)",
        "lb-proxy: configuration " + p + " is invalid");
  }

  @Test
  void aBadFlagIsAnInvalidConfigurationToo() {
    assertThat(run("-t", "--backend", "127.0.0.1:9001", "--retries", "two")).isEqualTo(1);
    assertThat(run("-t", "--backend", "127.0.0.1:9001", "--bogus")).isEqualTo(1);
  }

  @Test
  void aNonLoopbackAdminWithoutATokenFailsTheCheckAsItWouldFailTheStart() {
    assertThat(run("-t", "--backend", "127.0.0.1:9001", "--admin", "0.0.0.0:9090")).isEqualTo(1);
    assertThat(err.toString()).startsWith("lb-proxy: admin 0.0.0.0:9090: not a loopback address and no admin token");
  }

  @Test
  void theSecretsOfStickyKeysAreNeverPrinted() throws Exception {
    String secret = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    Path p = file("backends: [127.0.0.1:9001]\nsticky-cookie: LB\nsticky-keys:\n  - {id: k1, secret: \"" + secret + "\"}\n");
    assertThat(run("-t", "--config", p.toString())).isZero();
    assertThat(out.toString()).doesNotContain(secret).containsPattern("sticky-keys: k1#[0-9a-f]{8}   # config file");
  }
}
