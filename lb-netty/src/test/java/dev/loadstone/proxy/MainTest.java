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
    assertOneLineError("flags: backends: none (expected: at least one --backend host:port, --backend-dns NAME:PORT or --backend-srv _service._proto.NAME)");
  }

  @Test
  void anUnknownConfigKeyIsOneLine() throws Exception {
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, "backends: [127.0.0.1:9001]\nretry: 3\n");
    assertThat(run("--config", p.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("lb-proxy: config file " + p + ":2:1: unknown key 'retry' (expected one of: ");
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
    ProxyConfig c = config("--config", p.toString(), "--retries", "0", "--listen", "127.0.0.1:0");
    assertThat(c.retries()).isZero();
    assertThat(c.listen().getPort()).isZero();
    assertThat(c.backends()).hasSize(1);
  }

  private ProxyConfig config(String... args) {
    Main main = new Main(new PrintWriter(out, true), new PrintWriter(err, true), false);
    assertThat(main.parse(args)).as(err.toString()).isNull();
    return main.settings().toConfig();
  }

  @Test
  void repeatedFlagsReplaceTheFilesListsWhole() throws Exception {
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, "backends: [127.0.0.1:9001, 127.0.0.1:9002]\ntrusted-proxies: [10.0.0.0/8]\n"
        + "strip-headers: [X-A, X-B]\nforward-trailers: [X-Checksum]\n");
    ProxyConfig c = config("--config", p.toString(), "--backend", "127.0.0.1:9003", "--trusted-proxy", "::1/128",
        "--trusted-proxy", "192.168.0.0/16", "--strip-header", "X-C", "--forward-trailer", "Server-Timing");
    assertThat(c.backends()).extracting(b -> b.address()).containsExactly("127.0.0.1:9003");
    assertThat(c.trustedProxies()).containsExactly("::1/128", "192.168.0.0/16");
    assertThat(c.stripRequestHeaders()).containsExactly("x-c");
    assertThat(c.forwardedTrailers()).containsExactly("server-timing");
    ProxyConfig fileOnly = config("--config", p.toString());
    assertThat(fileOnly.stripRequestHeaders()).containsExactly("x-a", "x-b");
    assertThat(fileOnly.forwardedTrailers()).containsExactly("x-checksum");
  }

  @Test
  void aStickyKeyFileFlagReplacesTheFilesKeys() throws Exception {
    String secret = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    Path keys = dir.resolve("keys");
    Files.writeString(keys, "old " + secret + "\nnew " + secret + "\n");
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, "backends: [127.0.0.1:9001]\nsticky-cookie: S\nsticky-keys: [{id: inline, secret: '" + secret + "'}]\n");
    assertThat(config("--config", p.toString()).stickyKeys()).containsOnlyKeys("inline");
    assertThat(config("--config", p.toString(), "--sticky-key-file", keys.toString()).stickyKeys().keySet())
        .as("in order: the last one signs").containsExactly("old", "new");
  }

  @Test
  void ioThreadsSetsTheNumberOfEventLoops() {
    ProxyConfig c = config("--backend", "127.0.0.1:9001", "--listen", "127.0.0.1:0", "--io-threads", "1");
    assertThat(c.ioThreads()).isEqualTo(1);
    try (ProxyServer server = ProxyServer.builder(c).start()) {
      assertThat(server.eventLoopGroup()).hasSize(1);
    }
    assertThat(config("--backend", "127.0.0.1:9001").ioThreads()).isZero();
    assertThat(run("--backend", "127.0.0.1:9001", "--io-threads", "-1")).isEqualTo(1);
    assertThat(err.toString()).contains("io-threads: -1 (expected: 0..1024)");
  }

  @Test
  void everySettingWithAFlagIsReadFromItsFlag() {
    ProxyConfig c = config("--backend", "127.0.0.1:9001", "--tunnel-idle-timeout", "10m", "--sticky-max-age", "2h",
        "--idle-timeout", "90s", "--header-timeout", "5s", "--max-body-size", "64k", "--health-path", "/healthz",
        "--health-interval", "3s", "--health-timeout", "2s", "--slow-start", "10s", "--pool-max-idle", "4");
    assertThat(c.tunnelIdleTimeout()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(c.stickyMaxAge()).isEqualTo(java.time.Duration.ofHours(2));
    assertThat(c.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(c.headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(c.maxBodySize()).isEqualTo(64 * 1024);
    assertThat(c.health().path()).isEqualTo("/healthz");
    assertThat(c.health().interval()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(c.health().timeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(c.slowStart()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(c.poolMaxIdle()).isEqualTo(4);
  }

  @Test
  void aFlagErrorNamesTheFlagsAndAFileErrorTheFile() throws Exception {
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, "backends: [127.0.0.1:9001]\nconnect-timeout: 2s\n");
    assertThat(run("--config", p.toString(), "--response-timeout", "soon")).isEqualTo(1);
    assertOneLineError("flags: response-timeout: 'soon' (expected: a duration such as 500ms, 2s or 1m)");
  }

  @Test
  void aNonIntegerCountFlagIsAUsageError() {
    assertThat(run("--backend", "127.0.0.1:9001", "--retries", "2.5")).isEqualTo(2);
    assertOneLineError("Invalid value for option '--retries': retries: '2.5' (expected: an integer) (see --help)");
  }

  @Test
  void aContradictoryTimeoutIsOneLineNamingBothKeys() {
    assertThat(run("--backend", "127.0.0.1:9001", "--header-timeout", "2m")).isEqualTo(1);
    assertOneLineError("flags: header-timeout: 2m (expected: less than idle-timeout 1m, or a stalled request head never gets its 408)");
  }

  @Test
  void aNonLoopbackAdminWithoutATokenRefusesToStart() {
    assertThat(run("--listen", "127.0.0.1:0", "--admin", "0.0.0.0:0", "--backend", "127.0.0.1:9001")).isEqualTo(1);
    assertOneLineError("admin 0.0.0.0:0: not a loopback address and no admin token"
        + " (expected: --admin-token-file FILE or LOADSTONE_ADMIN_TOKEN, or a loopback address such as 127.0.0.1:0)");
    assertThat(out.toString()).as("nothing claims it started").isEmpty();
  }

  @Test
  void aNonLoopbackAdminWithATokenStarts() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "0123456789abcdef-admin\n");
    assertThat(run("--listen", "127.0.0.1:0", "--admin", "0.0.0.0:0", "--admin-token-file", token.toString(),
        "--backend", "127.0.0.1:9001")).as(err.toString()).isZero();
  }

  /** picocli reports description format errors on System.err, not on the command's writer. */
  private String help() {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(run("--help")).isZero();
    } finally {
      System.setErr(saved);
    }
    helpStderr = stderr.toString(java.nio.charset.StandardCharsets.UTF_8) + err;
    return out.toString();
  }

  private String helpStderr;

  @Test
  void helpPrintsNoPicocliWarnings() {
    assertThat(help()).doesNotContain("[picocli WARN]").contains("+-10% jitter");
    assertThat(helpStderr).isEmpty();
  }

  @Test
  void helpSaysTheLastStickyKeySigns() {
    String help = help().replaceAll("\\s+", " ");
    assertThat(help).contains("lines 'KEY_ID BASE64_SECRET'; the last one signs, all verify").doesNotContain("the first signs");
  }

  @Test
  void helpListsEverySettingWithAFlagItsDefaultAndItsYamlKey() {
    String help = help().replaceAll("\\s+", " ");
    for (Setting<?> s : Settings.ALL) {
      if (s.flag != null) {
        assertThat(help).contains(s.option() + "=" + s.label).contains(s.defaultText);
      }
    }
    assertThat(help).contains("--trusted-proxy=CIDR").contains("YAML: trusted-proxies").contains("--config=FILE");
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
