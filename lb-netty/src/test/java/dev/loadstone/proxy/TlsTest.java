package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TLS to clients, over real handshakes: what the backend learns, SNI, protocols, providers, bad input. */
class TlsTest {
  private TlsFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private TlsFixture fixture() throws Exception {
    f = new TlsFixture("tls");
    return f;
  }

  @Test
  void aTlsClientIsProxiedAndTheBackendLearnsItWasHttps() throws Exception {
    fixture().startWithPem(t -> {});
    HttpResponse<String> r = f.get("/headers");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("x-forwarded-proto: https\n").contains("forwarded: for=127.0.0.1;proto=https;host=\"127.0.0.1:"
        + f.address().getPort() + "\"\n");
    assertThat(r.headers().firstValue("strict-transport-security")).isEmpty();
  }

  @Test
  void curlOverHttp11WithTheTestCaGetsTheBackendsAnswer() throws Exception {
    assertThat(Path.of("/usr/bin/curl")).as("this test needs curl (apt-get install curl)").isExecutable();
    fixture().startWithPem(t -> {});
    Process p = new ProcessBuilder("curl", "-sS", "--http1.1", "--cacert", f.caFile.toString(), "--resolve",
        "proxy.test:" + f.address().getPort() + ":127.0.0.1", "https://proxy.test:" + f.address().getPort() + "/")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo("a");
  }

  @Test
  void sniPicksTheCertificateThatNamesTheHostAndOthersGetTheDefault() throws Exception {
    fixture();
    Path certs = f.dir.resolve("certs");
    f.pki.issue("a", "a.test").writePem(certs, "a");
    f.pki.issue("b", "b.test", "*.b.test").writePem(certs, "b");
    f.start(t -> t.cert(f.cert).key(f.key).certDir(certs), b -> {});
    assertThat(subjectFor("b.test")).isEqualTo("CN=b");
    assertThat(subjectFor("www.b.test")).isEqualTo("CN=b");
    assertThat(subjectFor("a.test")).isEqualTo("CN=a");
    assertThat(subjectFor("proxy.test")).isEqualTo("CN=proxy.test");
    assertThat(subjectFor("unknown.test")).isEqualTo("CN=proxy.test");
    assertThat(subjectFor(null)).isEqualTo("CN=proxy.test");
  }

  @Test
  void anUnknownSniNameIsRefusedWithReject() throws Exception {
    fixture().startWithPem(t -> t.unknownSni("reject"));
    assertThat(subjectFor("proxy.test")).isEqualTo("CN=proxy.test");
    assertThat(subjectFor(null)).as("no SNI (an IP address): the default").isEqualTo("CN=proxy.test");
    assertThatThrownBy(() -> subjectFor("other.test")).isInstanceOf(SSLException.class);
  }

  private String subjectFor(String sni) throws Exception {
    try (SSLSocket s = TlsClient.connect(f.address(), f.pki.clientContext(), sni); RawClient c = new RawClient(s)) {
      assertThat(TlsClient.get(c, "/").status()).isEqualTo(200);
      return TlsClient.serverSubject(s);
    }
  }

  @Test
  void tls11IsRefusedAndTls12IsServed() throws Exception {
    fixture().startWithPem(t -> {});
    assertThat(opensslConnects("-tls1_1")).as("TLS 1.1").isFalse();
    assertThat(opensslConnects("-tls1_2")).as("TLS 1.2").isTrue();
  }

  /** Whether {@code openssl s_client} with this protocol flag completes a handshake (security level 0: the client allows old versions). */
  private boolean opensslConnects(String protocol) throws Exception {
    assertThat(Path.of("/usr/bin/openssl")).as("this test needs openssl").isExecutable();
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + f.address().getPort(), protocol,
        "-cipher", "DEFAULT:@SECLEVEL=0", "-CAfile", f.caFile.toString(), "-verify_return_error")
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 && out.contains("Verify return code: 0 (ok)");
  }

  @Test
  void aSecondConnectionResumesTheSessionWithItsTicket() throws Exception {
    fixture().startWithPem(t -> {});
    Path session = f.dir.resolve("session.pem");
    assertThat(openssl("-tls1_2", "-sess_out", session.toString())).contains("New, TLSv1.2");
    assertThat(openssl("-tls1_2", "-sess_in", session.toString())).contains("Reused, TLSv1.2");
  }

  private String openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + f.address().getPort(),
        "-CAfile", f.caFile.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void aPlainHttpRequestOnTheTlsPortGets400AndIsClosed() throws Exception {
    fixture().startWithPem(t -> {});
    try (RawClient c = new RawClient(f.address())) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: proxy.test\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).isEqualTo("The plain HTTP request was sent to HTTPS port.\r\n");
      assertThat(r.header("connection")).isEqualTo("close");
    }
    assertThat(f.get("/").statusCode()).as("TLS clients are still served").isEqualTo(200);
  }

  @Test
  void aHandshakeThatNeverFinishesIsClosedAfterTheHeaderTimeout() throws Exception {
    fixture().start(t -> t.cert(f.cert).key(f.key), b -> b.headerTimeout(Duration.ofMillis(400)));
    for (byte[] sent : List.of(new byte[0], new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01})) { // nothing; a ClientHello's start
      try (Socket s = new Socket(f.address().getAddress(), f.address().getPort())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(sent);
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        assertThat(in.read()).as("closed, after %d bytes", sent.length).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void openSslServesWhenItLoads() throws Exception {
    assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads here: " + OpenSsl.unavailabilityCause()).isTrue();
    assertThat(fixture().startWithPem(t -> {}).tlsProvider()).isEqualTo("OpenSSL");
    assertThat(f.get("/").body()).isEqualTo("a");
  }

  @Test
  void theJdkProviderServesWhenForced() throws Exception {
    assertThat(fixture().startWithPem(t -> t.provider("jdk")).tlsProvider()).isEqualTo("JDK");
    assertThat(f.get("/").body()).isEqualTo("a");
  }

  @Test
  void aPkcs12KeystoreServesItsCertificate() throws Exception {
    fixture();
    Path p12 = f.server.writePkcs12(f.dir.resolve("server.p12"), "s3cret");
    f.start(t -> t.keystore(p12).keystorePassword("s3cret"), b -> {});
    assertThat(subjectFor("proxy.test")).isEqualTo("CN=proxy.test");
  }

  @Test
  void hstsIsAddedToResponsesOnTls() throws Exception {
    fixture().startWithPem(t -> t.hsts("max-age=31536000; includeSubDomains"));
    assertThat(f.get("/").headers().firstValue("strict-transport-security")).hasValue("max-age=31536000; includeSubDomains");
  }

  @Test
  void theRedirectListenerAnswers308ToTheSameHostAndPathOnHttps() throws Exception {
    fixture().startWithPem(t -> t.redirectListen(Addresses.parse("redirect-listen", "127.0.0.1:0")));
    try (RawClient c = new RawClient(f.proxy.redirectAddress())) {
      RawClient.Response r = c.send("GET /a/b?c=d HTTP/1.1\r\nHost: www.example.test:8080\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(308);
      assertThat(r.header("location")).isEqualTo("https://www.example.test:" + f.address().getPort() + "/a/b?c=d");
    }
    try (RawClient c = new RawClient(f.proxy.redirectAddress())) {
      assertThat(c.send("GET / HTTP/1.1\r\n\r\n").read().status()).as("no Host").isEqualTo(400);
    }
  }

  @Test
  void theStickyCookieIsSecureOnTls() throws Exception {
    fixture().start(t -> t.cert(f.cert).key(f.key), b -> b.stickyCookie("LB"));
    assertThat(f.get("/").headers().firstValue("set-cookie")).get().asString().startsWith("LB=").endsWith("; Secure");
  }

  @Test
  void aCertificateFileThatDoesNotLoadFailsTheStartNamingIt() throws Exception {
    fixture();
    Path bad = Files.writeString(f.dir.resolve("bad.crt"), "not a certificate\n");
    assertThatThrownBy(() -> f.start(t -> t.cert(bad).key(f.key), b -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.toString());
  }
}
