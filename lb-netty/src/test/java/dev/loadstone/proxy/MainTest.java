package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: user errors are one line on stderr and a non-zero exit, never a stack trace. */
class MainTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    Main main = new Main(new PrintWriter(out, true), new PrintWriter(err, true), false);
    int code = Main.run(args, main);
    if (main.server() != null) {
      main.server().close();
    }
    if (main.operations() != null) {
      main.operations().close(); // health checks and the admin server
    }
    return code;
  }

  private void assertOneLineError(String expected) {
    assertThat(err.toString()).isEqualTo("lb-proxy: " + expected + System.lineSeparator());
  }

  @Test
  void startsAndSaysWhereItListensAndHowManyBackends() {
    assertThat(run("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", "127.0.0.1:9001", "--backend", "127.0.0.1:9002,weight=3,id=b2")).isZero();
    assertThat(out.toString()).matches("lb-proxy listening on 127\\.0\\.0\\.1:\\d+ with 2 backends \\(round-robin\\)\\R");
  }

  @Test
  void anUnknownFlagIsOneLine() {
    assertThat(run("--backend", "127.0.0.1:9001", "--bogus")).isEqualTo(2);
    assertOneLineError("Unknown option: '--bogus' (see --help)");
  }

  @Test
  void aBadDurationFlagIsOneLine() {
    assertThat(run("--backend", "127.0.0.1:9001", "--connect-timeout", "soon")).isEqualTo(1);
    assertOneLineError("flags: connect-timeout: 'soon' (expected: a duration such as 500ms, 2s or 1m)");
  }

  @Test
  void aBadAlgorithmIsOneLine() {
    assertThat(run("--backend", "127.0.0.1:9001", "--algorithm", "fastest")).isEqualTo(1);
    assertOneLineError(
        "flags: algorithm: 'fastest' (expected: one of round-robin, weighted-round-robin, least-connections, power-of-two, random, consistent-hash)");
  }

  @Test
  void noBackendIsOneLine() {
    assertThat(run("--listen", "127.0.0.1:0")).isEqualTo(1);
    assertOneLineError("flags: backends: none (expected: at least one --backend host:port)");
  }

  @Test
  void anUnknownConfigKeyIsOneLine() throws Exception {
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, "backends: [127.0.0.1:9001]\nretry: 3\n");
    assertThat(run("--config", p.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("lb-proxy: config file " + p + ": unknown key 'retry' (expected one of: ");
    assertThat(err.toString().lines().count()).isEqualTo(1);
  }

  @Test
  void anUnreadableConfigIsOneLine() {
    assertThat(run("--config", dir.resolve("nope.yaml").toString())).isEqualTo(1);
    assertOneLineError("config file " + dir.resolve("nope.yaml") + ": not found");
  }

  @Test
  void flagsOverrideTheConfigFile() throws Exception {
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, "listen: 127.0.0.1:1\nbackends: [127.0.0.1:9001]\nretries: 5\n");
    Main main = new Main(new PrintWriter(out, true), new PrintWriter(err, true), false);
    new picocli.CommandLine(main).parseArgs("--config", p.toString(), "--retries", "0", "--listen", "127.0.0.1:0");
    ProxyConfig c = main.settings().toConfig();
    assertThat(c.retries()).isZero();
    assertThat(c.listen().getPort()).isZero();
    assertThat(c.backends()).hasSize(1);
  }

  @Test
  void aBusyPortIsOneLine() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();
      assertThat(run("--listen", "127.0.0.1:" + port, "--backend", "127.0.0.1:9001")).isEqualTo(1);
      assertOneLineError("listen 127.0.0.1:" + port + ": address already in use");
    }
  }
}
