package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the raw-byte regression corpus ({@code src/test/resources/corpus/}, see its README): every request case
 * against a proxy in front of a {@link RecordingOrigin}, comparing the exact bytes the origin received, and
 * every response case against a {@link ScriptedOrigin}, comparing the exact bytes the client received. Each case
 * ends with a canary request, so bytes a case smuggled past the proxy would show up before it.
 */
class CorpusTest {
  private static final String CANARY = "GET /canary HTTP/1.1\r\nHost: corpus.test\r\n\r\n";
  private static final String CANARY_FORWARDED = "GET /canary HTTP/1.1\r\nHost: corpus.test\r\n" + Corpus.bytes("${fwd}") + "\r\n";
  private static RecordingOrigin origin;
  private static final Map<Map<String, String>, ProxyServer> proxies = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    origin = new RecordingOrigin();
  }

  @AfterAll
  static void stop() throws Exception {
    proxies.values().forEach(ProxyServer::close);
    origin.close();
  }

  private static ProxyServer proxy(Map<String, String> config, String backend) {
    // The corpus pins the forwarded bytes exactly; a random request id would be in each: RequestIdTest covers ids.
    ProxyConfigBuilder b = ProxyConfig.builder().listen("127.0.0.1:0").addBackend(backend).retries(0).requestIdHeader("none");
    config.forEach(
        (k, v) -> {
          switch (k) {
            case "max-body-size" -> b.maxBodySize(Long.parseLong(v));
            case "forward-trailers" -> b.forwardedTrailers(List.of(v.split(",")));
            case "strip-headers" -> b.stripRequestHeaders(List.of(v.split(",")));
            case "trusted-proxy" -> b.trustedProxies(List.of(v.split(",")));
            default -> throw new IllegalArgumentException("unknown corpus config '" + k + "'");
          }
        });
    return ProxyServer.builder(b.build()).eventLoopThreads(1).start();
  }

  @TestFactory
  Stream<DynamicTest> requestCases() {
    return Corpus.load("request-").stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> runRequestCase(c)));
  }

  @TestFactory
  Stream<DynamicTest> responseCases() {
    return Corpus.load("response-").stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> runResponseCase(c)));
  }

  private static void runRequestCase(Corpus.Case c) throws Exception {
    ProxyServer proxy = proxies.computeIfAbsent(c.config(), cfg -> proxy(cfg, origin.address()));
    origin.clear();
    try (RawClient client = new RawClient(proxy.localAddress())) {
      client.setTimeoutMillis(5000);
      client.send(c.send());
      RawClient.Response r = client.read(c.send().startsWith("HEAD "));
      assertThat(r.status()).as("status; body: " + r.body()).isEqualTo(c.status());
      for (int i = 1; i < c.responses(); i++) {
        assertThat(client.read().status()).as("pipelined response " + (i + 1)).isEqualTo(200);
      }
      if (c.close()) {
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(client.isClosedByPeer()).as("closed after the response").isTrue();
      } else {
        RawClient.Response canary = client.send(CANARY).read();
        assertThat(canary.status()).as("the canary on the same connection").isEqualTo(200);
        assertThat(canary.body()).isEqualTo("ok");
      }
    }
    if (c.close()) {
      try (RawClient control = new RawClient(proxy.localAddress())) {
        assertThat(control.send(CANARY).read().body()).isEqualTo("ok");
      }
    }
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(5))
        .until(() -> origin.messages().contains(CANARY_FORWARDED));
    String expected = c.origin().replace("${origin}", origin.address()) + CANARY_FORWARDED;
    assertThat(visible(String.join("", origin.messages()))).as("what the origin received").isEqualTo(visible(expected));
  }

  private static void runResponseCase(Corpus.Case c) throws Exception {
    try (ScriptedOrigin backend = new ScriptedOrigin(c.backend(), !c.backendCloses())) {
      ProxyServer proxy = proxy(c.config(), backend.address());
      try (RawClient client = new RawClient(proxy.localAddress())) {
        client.setTimeoutMillis(5000);
        for (int round = 0; round < (c.close() ? 1 : 2); round++) { // the second round is the canary
          client.send(round == 0 ? c.send() : CANARY);
          if (c.client() != null) {
            assertThat(visible(client.readExactly(c.client().length()))).as("what the client received").isEqualTo(visible(c.client()));
          } else {
            RawClient.Response r = client.read();
            assertThat(r.status()).as("status; body: " + r.body()).isEqualTo(c.status());
            if (c.close()) {
              assertThat(r.header("connection")).isEqualTo("close");
            }
          }
        }
        if (c.close()) {
          assertThat(client.isClosedByPeer()).as("closed after the response").isTrue();
        }
      } finally {
        proxy.close();
      }
    }
  }

  /** CR, LF and other control bytes made visible, so a failed comparison shows where the bytes differ. */
  private static String visible(String s) {
    StringBuilder sb = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (ch == '\r') {
        sb.append("\\r");
      } else if (ch == '\n') {
        sb.append("\\n\n");
      } else if (ch < 0x20 || ch >= 0x7f) {
        sb.append(String.format("\\x%02x", (int) ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }
}
