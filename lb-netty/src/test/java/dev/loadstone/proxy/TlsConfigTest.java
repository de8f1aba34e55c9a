package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TLS keys as users write them: YAML (with the certificate list) and flags, and their one-line errors. */
class TlsConfigTest {
  private TlsFixture f;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private int run(String... args) {
    Main main = new Main(new PrintWriter(out, true), new PrintWriter(err, true), false);
    int code = Main.run(args, main);
    if (main.server() != null) {
      f.proxy = main.server();
    }
    if (main.operations() != null) {
      main.operations().close();
    }
    return code;
  }

  @Test
  void aYamlFileServesTheCertificateListBySni() throws Exception {
    f = new TlsFixture("yaml");
    TestPki.Issued shop = f.pki.issue("shop", "shop.test");
    Path shopCrt = shop.writePem(f.dir, "shop");
    Path yaml = Files.writeString(f.dir.resolve("proxy.yaml"), String.join("\n",
        "listen: 127.0.0.1:0", "admin: 127.0.0.1:0", "backends: [" + f.origin.address() + "]",
        "tls-cert: " + f.cert, "tls-key: " + f.key,
        "tls-certificates:", "  - {cert: " + shopCrt + ", key: " + f.dir.resolve("shop.key") + "}",
        "tls-protocols: [TLSv1.3]", "hsts: max-age=600", ""));
    assertThat(run("--config", yaml.toString())).as(err.toString()).isZero();
    assertThat(f.proxy.config().tls().hsts()).isEqualTo("max-age=600");
    try (SSLSocket s = TlsClient.connect(f.proxy.localAddress(), f.pki.clientContext(), "shop.test"); RawClient c = new RawClient(s)) {
      assertThat(TlsClient.get(c, "/").header("strict-transport-security")).isEqualTo("max-age=600");
      assertThat(TlsClient.serverSubject(s)).isEqualTo("CN=shop");
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void aCertificateWithoutItsKeyIsOneLine() {
    assertThat(run("--backend", "127.0.0.1:9001", "--tls-cert", "/etc/x.crt")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("lb-proxy: flags: tls-cert: set without tls-key (expected: both, PEM)" + System.lineSeparator());
  }

  @Test
  void aMissingCertificateFileIsOneLineNamingIt() {
    assertThat(run("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", "127.0.0.1:9001",
        "--tls-cert", "/nonexistent/x.crt", "--tls-key", "/nonexistent/x.key")).isEqualTo(1);
    assertThat(err.toString()).startsWith("lb-proxy: tls: /nonexistent/x.crt: ").doesNotContain("Exception").hasLineCount(1);
  }

  @Test
  void checkLoadsTheCertificateFiles() throws Exception {
    f = new TlsFixture("check");
    assertThat(run("--check", "--backend", "127.0.0.1:9001", "--tls-cert", f.cert.toString(), "--tls-key", f.key.toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("tls-cert: " + f.cert + "   # flag --tls-cert");
    Path bad = Files.writeString(f.dir.resolve("bad.crt"), "garbage\n");
    assertThat(run("--check", "--backend", "127.0.0.1:9001", "--tls-cert", bad.toString(), "--tls-key", f.key.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("lb-proxy: tls: " + bad + ": ").contains("configuration (flags) is invalid");
  }

  @Test
  void badValuesAreRefusedSayingWhatIsExpected() {
    assertThat(run("--backend", "127.0.0.1:9001", "--tls-protocol", "TLSv1.1")).isEqualTo(1);
    assertThat(err.toString()).contains("tls-protocols: [TLSv1.1] (expected: TLSv1.3 and/or TLSv1.2)");
    assertThat(run("--backend", "127.0.0.1:9001", "--tls-client-auth", "require", "--tls-cert", "a", "--tls-key", "b")).isEqualTo(1);
    assertThat(err.toString()).contains("tls-client-auth: require (expected: tls-client-ca to verify client certificates)");
    assertThat(run("--backend", "127.0.0.1:9001", "--hsts", "max-age=60")).isEqualTo(1);
    assertThat(err.toString()).contains("hsts: set without a certificate");
    assertThat(run("--backend", "https://127.0.0.1:9001")).isEqualTo(1);
    assertThat(err.toString()).contains("backend 'https://127.0.0.1:9001': a URL (expected: host:port; backend-tls: true speaks TLS to every backend)");
    assertThat(run("--backend", "127.0.0.1:9001", "--tls-unknown-sni", "maybe")).isEqualTo(1);
    assertThat(err.toString()).contains("tls-unknown-sni: 'maybe' (expected: default, reject)");
  }
}
