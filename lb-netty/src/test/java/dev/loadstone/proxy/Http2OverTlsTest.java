package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.proxy.h2.Http2Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 over TLS, chosen by ALPN, with curl as the client: the same exchange as HTTP/1.1 behind it. */
class Http2OverTlsTest {
  private TlsFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void alpnPicksH2AndTheBackendLearnsItWasHttps() throws Exception {
    f = new TlsFixture("h2-alpn");
    f.startWithPem(t -> t.hsts("max-age=600"));
    String out = curl("--http2", "/headers");
    assertThat(out).startsWith("HTTP/2 200");
    assertThat(out).containsIgnoringCase("strict-transport-security: max-age=600");
    assertThat(out).contains("x-forwarded-proto: https\n").contains("host: proxy.test:" + f.address().getPort() + "\n");
    assertThat(out).doesNotContainIgnoringCase("connection: ").doesNotContainIgnoringCase("transfer-encoding");
  }

  @Test
  void withHttp2OffAlpnSettlesOnHttp11() throws Exception {
    f = new TlsFixture("h2-off");
    f.start(t -> t.cert(f.cert).key(f.key), b -> b.http2(Http2Settings.builder().enabled(false).build()));
    assertThat(curl("--http2", "/")).startsWith("HTTP/1.1 200").endsWith("a");
  }

  @Test
  void aClientWithoutAlpnGetsHttp11() throws Exception {
    f = new TlsFixture("h2-no-alpn");
    f.startWithPem(t -> {});
    assertThat(curl("--no-alpn", "/")).startsWith("HTTP/1.1 200").endsWith("a");
  }

  /** curl's response head and body for {@code path} on the proxy, as proxy.test, trusting the test CA. */
  private String curl(String option, String path) throws Exception {
    assertThat(Path.of("/usr/bin/curl")).as("this test needs curl (apt-get install curl)").isExecutable();
    int port = f.address().getPort();
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-i", option, "--cacert", f.caFile.toString(),
        "--resolve", "proxy.test:" + port + ":127.0.0.1", "https://proxy.test:" + port + path));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
