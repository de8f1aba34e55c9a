package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    Path p = dir.resolve("proxy.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void defaultsMatchTheDocumentation() {
    ProxyConfig c = ProxyConfig.builder().addBackend("127.0.0.1:9001").build();
    assertThat(c.listen().getPort()).isEqualTo(8080);
    assertThat(c.algorithm()).isEqualTo(Algorithm.ROUND_ROBIN);
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retries()).isEqualTo(2);
    assertThat(c.maxBodySize()).isZero();
    assertThat(c.trustedProxies()).isEmpty();
    assertThat(c.maxRequestLine()).isEqualTo(8192);
    assertThat(c.maxHeaderSize()).isEqualTo(16384);
    assertThat(c.poolMaxIdle()).isEqualTo(64);
    assertThat(c.poolIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.stickyCookie()).isNull();
    assertThat(c.tunnelIdleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(c.forwardedTrailers()).isEmpty();
    assertThat(c.stripRequestHeaders()).isEmpty();
  }

  @Test
  void yamlReadsEverySetting() throws Exception {
    String key = Base64.getEncoder().encodeToString(new byte[40]);
    ProxyConfig c =
        ProxyConfig.load(
            yaml(
                "listen: 127.0.0.1:0\n"
                    + "backends:\n"
                    + "  - 127.0.0.1:9001\n"
                    + "  - {address: '127.0.0.1:9002', weight: 3, id: b2}\n"
                    + "algorithm: weighted-round-robin\n"
                    + "sticky-cookie: LB_STICKY\n"
                    + "sticky-keys: [{id: k1, secret: '" + key + "'}]\n"
                    + "sticky-max-age: 2h\n"
                    + "connect-timeout: 500ms\n"
                    + "response-timeout: 1m\n"
                    + "idle-timeout: 90s\n"
                    + "header-timeout: 5s\n"
                    + "retries: 1\n"
                    + "max-body-size: 10m\n"
                    + "trusted-proxies: [10.0.0.0/8, '::1/128']\n"
                    + "pool-max-idle: 8\n"
                    + "pool-idle-timeout: 10s\n"
                    + "max-request-line: 4096\n"
                    + "max-header-size: 32768\n"
                    + "tunnel-idle-timeout: 5m\n"
                    + "forward-trailers: [X-Checksum, server-timing]\n"
                    + "strip-headers: X-Debug\n"
                    + "admin: 127.0.0.1:9090\n"));
    assertThat(c.backends()).hasSize(2);
    assertThat(c.backends().get(1).id()).isEqualTo("b2");
    assertThat(c.backends().get(1).weight()).isEqualTo(3);
    assertThat(c.algorithm()).isEqualTo(Algorithm.WEIGHTED_ROUND_ROBIN);
    assertThat(c.stickyKeys()).containsOnlyKeys("k1");
    assertThat(c.stickyMaxAge()).isEqualTo(Duration.ofHours(2));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.responseTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.retries()).isEqualTo(1);
    assertThat(c.maxBodySize()).isEqualTo(10L << 20);
    assertThat(c.trustedProxies()).containsExactly("10.0.0.0/8", "::1/128");
    assertThat(c.poolMaxIdle()).isEqualTo(8);
    assertThat(c.maxHeaderSize()).isEqualTo(32768);
    assertThat(c.admin().getPort()).isEqualTo(9090);
    assertThat(c.tunnelIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.forwardedTrailers()).containsExactly("x-checksum", "server-timing");
    assertThat(c.stripRequestHeaders()).as("a single value is a list of one").containsExactly("x-debug");
  }

  /** Loading {@code text} fails with {@code config file <path>:<line>:<column>: <message>} (no location: a rule over keys). */
  private void assertFileError(String text, String at, String message) throws Exception {
    Path p = yaml(text);
    assertThatThrownBy(() -> ProxyConfig.load(p)).isInstanceOf(ConfigException.class)
        .hasMessage("config file " + p + (at == null ? "" : ":" + at) + ": " + message);
  }

  @Test
  void aBadListElementIsNamedByKeyAndIndex() throws Exception {
    assertFileError("backends: [127.0.0.1:9001]\ntrusted-proxies: [10.0.0.0/8, nope]\n", "2:31",
        "trusted-proxies[1]: 'nope' (expected: an IP network such as 10.0.0.0/8 or ::1/128)");
  }

  @Test
  void countsMustBeWrittenAsIntegers() throws Exception {
    for (String v : new String[] {"2.5", "'2'", "[2]"}) {
      Path p = yaml("backends: [127.0.0.1:9001]\nretries: " + v + "\n");
      assertThatThrownBy(() -> ProxyConfig.load(p)).as(v)
          .hasMessageStartingWith("config file " + p + ":2:10: key 'retries' has the wrong type: ")
          .hasMessageEndingWith(" (expected: an integer)");
    }
  }

  @Test
  void aMappingWhereAScalarBelongsIsAWrongType() throws Exception {
    assertFileError("backends: [127.0.0.1:9001]\nconnect-timeout: {seconds: 2}\n", "2:18",
        "key 'connect-timeout' has the wrong type: a mapping (expected: a duration such as 500ms, 2s or 1m)");
  }

  @Test
  void theTopLevelMustBeAMappingOfKeys() throws Exception {
    assertFileError("- listen\n- backends\n", "1:1", "the top level is a sequence (expected: a mapping of keys, see examples/proxy.yaml)");
  }

  @Test
  void anEmptyFileAndAnEmptyValueMeanTheDefaults() throws Exception {
    assertFileError("# nothing yet\n", null, "backends: none (expected: at least one --backend host:port, --backend-dns NAME:PORT or --backend-srv _service._proto.NAME)");
    ProxyConfig c = ProxyConfig.load(yaml("backends: [127.0.0.1:9001]\nhash-key:\nretries:\n"));
    assertThat(c.hashKey()).isNull();
    assertThat(c.retries()).isEqualTo(2);
  }

  @Test
  void everySettingKeepsTheLineAndColumnOfItsValue() throws Exception {
    Path p = yaml("backends: [127.0.0.1:9001]\n\n  # indented comment\nretries: 1\n");
    SettingValues v = ConfigFile.read(p);
    assertThat(v.get(Settings.byKey("retries")).source()).isEqualTo(new SettingValues.Source(p, 4, 10));
    assertThat(v.get(Settings.byKey("backends")).source().line()).isEqualTo(1);
  }

  @Test
  void trailersThatFrameRouteOrForwardCanNeverBeForwarded() {
    for (String name : new String[] {"Host", "Content-Length", "Transfer-Encoding", "X-Forwarded-For", "Forwarded",
        "X-Real-IP", "Authorization", "Cookie", "Content-Type"}) {
      assertThatThrownBy(() -> ProxyConfig.builder().forwardedTrailers(List.of(name))).as(name)
          .hasMessageStartingWith("forward-trailers: '" + name.toLowerCase(java.util.Locale.ROOT) + "' (expected: a header allowed in trailers;");
    }
    assertThatThrownBy(() -> ProxyConfig.builder().forwardedTrailers(List.of("a b")))
        .hasMessage("forward-trailers: 'a b' (expected: a header name such as X-Debug)");
    assertThatThrownBy(() -> ProxyConfig.builder().forwardedTrailers(List.of("X-Sum", "x-sum")))
        .hasMessage("forward-trailers: 'x-sum' (expected: each name once; it appears twice)");
  }

  @Test
  void headersTheProxyNeedsCannotBeStripped() {
    assertThatThrownBy(() -> ProxyConfig.builder().stripRequestHeaders(List.of("Host")))
        .hasMessage("strip-headers: 'host' (expected: a header the proxy does not need; host, content-length and transfer-encoding stay)");
    assertThat(ProxyConfig.builder().addBackend("127.0.0.1:9001").stripRequestHeaders(List.of("X-Debug", "X-Forwarded-Port"))
        .build().stripRequestHeaders()).containsExactly("x-debug", "x-forwarded-port");
  }

  @Test
  void aHeaderTimeoutNotBelowTheIdleTimeoutIsRefusedNamingBoth() throws Exception {
    ProxyConfigBuilder b = ProxyConfig.builder().addBackend("127.0.0.1:9001").idleTimeout(Duration.ofSeconds(10))
        .headerTimeout(Duration.ofSeconds(10));
    assertThatThrownBy(b::build).hasMessage(
        "header-timeout: 10s (expected: less than idle-timeout 10s, or a stalled request head never gets its 408)");
    assertFileError("backends: [127.0.0.1:9001]\nheader-timeout: 90s\n", "2:17",
        "header-timeout: 90s (expected: less than idle-timeout 1m, or a stalled request head never gets its 408)");
  }

  @Test
  void aDefaultHeaderTimeoutYieldsToAShortIdleTimeout() {
    ProxyConfig c = ProxyConfig.builder().addBackend("127.0.0.1:9001").idleTimeout(Duration.ofSeconds(2)).build();
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theAdminCannotShareTheTrafficPort() {
    assertThatThrownBy(() -> ProxyConfig.builder().addBackend("127.0.0.1:9001").listen("127.0.0.1:8080")
        .admin(new java.net.InetSocketAddress("0.0.0.0", 8080)).build())
        .hasMessage("admin: 0.0.0.0:8080 (expected: an address other than listen 127.0.0.1:8080; the admin API never shares the traffic port)");
    assertThat(ProxyConfig.builder().addBackend("127.0.0.1:9001").listen("127.0.0.1:0")
        .admin(new java.net.InetSocketAddress("127.0.0.1", 0)).build().admin().getPort()).isZero();
    assertThat(ProxyConfig.builder().addBackend("127.0.0.1:9001").listen("127.0.0.1:8080")
        .admin(new java.net.InetSocketAddress("127.0.0.2", 8080)).build()).isNotNull();
  }

  @Test
  void theExampleFileIsValid() {
    Path example = Path.of("..", "examples", "proxy.yaml");
    ProxyConfig c = ProxyConfig.load(example);
    assertThat(c.backends()).isNotEmpty();
  }

  @Test
  void unknownKeysAreErrorsNamingTheKey() throws Exception {
    Path p = yaml("backends: [127.0.0.1:9001]\nconect-timeout: 2s\n");
    assertThatThrownBy(() -> ProxyConfig.load(p))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file " + p + ":2:1: unknown key 'conect-timeout' (expected one of: ")
        .hasMessageContaining("connect-timeout");
  }

  @Test
  void wrongTypesAreErrorsNamingTheKey() throws Exception {
    Path p = yaml("backends: [127.0.0.1:9001]\nretries: many\n");
    assertThatThrownBy(() -> ProxyConfig.load(p)).hasMessageStartingWith("config file " + p + ":2:10: key 'retries' has the wrong type");
  }

  @Test
  void badDurationsNameTheKeyAndTheExpectedForm() throws Exception {
    assertFileError("backends: [127.0.0.1:9001]\nconnect-timeout: 2\n", "2:18", "connect-timeout: '2' (expected: a duration such as 500ms, 2s or 1m)");
  }

  @Test
  void unreadableFilesAreNamed() {
    Path p = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> ProxyConfig.load(p)).hasMessage("config file " + p + ": not found");
  }

  @Test
  void badBackendWeightsNameTheValue() {
    assertThatThrownBy(() -> ProxyConfig.builder().addBackend("127.0.0.1:9001,weight=0"))
        .hasMessage("backend '127.0.0.1:9001,weight=0': weight: 0 (expected: 1..1000)");
  }

  @Test
  void anOptionSetTwiceIsAnError() {
    assertThatThrownBy(() -> ProxyConfig.builder().retries(1).retries(2)).hasMessage("retries was already set");
  }

  @Test
  void consistentHashNeedsAHashKey() {
    assertThatThrownBy(() -> ProxyConfig.builder().addBackend("127.0.0.1:9001").algorithm(Algorithm.CONSISTENT_HASH).build())
        .hasMessageStartingWith("hash-key: not set");
    assertThatThrownBy(() -> ProxyConfig.builder().hashKey("query:x")).hasMessage("hash-key: 'query:x' (expected: header:NAME, cookie:NAME, client-ip or path)");
  }

  @Test
  void stickyKeysMustBeLongEnough() {
    assertThatThrownBy(() -> ProxyConfig.builder().addStickyKey("k", new byte[16]))
        .hasMessage("sticky key 'k': 16 bytes (expected: at least 32)");
  }

  @Test
  void theKeyFileHoldsIdsAndBase64Secrets() throws Exception {
    Path f = dir.resolve("keys");
    Files.writeString(f, "# rotate by appending\nold " + Base64.getEncoder().encodeToString(new byte[32]) + "\nnew "
        + Base64.getEncoder().encodeToString(new byte[33]) + "\n");
    assertThat(ConfigFile.readKeyFile(f)).containsOnlyKeys("old", "new");
    Files.writeString(f, "justonefield\n");
    assertThatThrownBy(() -> ConfigFile.readKeyFile(f)).hasMessage("sticky-key-file " + f + ": line 1 (expected: KEY_ID BASE64_SECRET)");
  }

  @Test
  void trustedProxiesMustBeNetworks() {
    assertThatThrownBy(() -> ProxyConfig.builder().trustedProxies(List.of("10.0.0.0/33")))
        .hasMessage("trusted-proxy: '10.0.0.0/33' (expected: a prefix length 0..32)");
    assertThatThrownBy(() -> ProxyConfig.builder().trustedProxies(List.of("example.com")))
        .hasMessageStartingWith("trusted-proxy: 'example.com'");
  }

  @Test
  void cidrsMatchTheirNetworkOnly() throws Exception {
    Cidr c = Cidr.parse("trusted-proxy", "10.1.0.0/16");
    assertThat(c.contains(java.net.InetAddress.getByName("10.1.200.3"))).isTrue();
    assertThat(c.contains(java.net.InetAddress.getByName("10.2.0.1"))).isFalse();
    assertThat(c.contains(java.net.InetAddress.getByName("::1"))).isFalse();
    assertThat(Cidr.parse("::1").contains(java.net.InetAddress.getByName("::1"))).isTrue();
  }
}
