package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** mTLS: client certificates verified against tls-client-ca, the subject passed in a header nobody can spoof. */
class ClientCertificateTest {
  private static final String SPOOF = "GET /headers HTTP/1.1\r\nHost: proxy.test\r\nX-Client-Cert-Subject: CN=admin\r\n"
      + "x_client_cert_subject: CN=admin\r\n\r\n";
  private TlsFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private TestPki.Issued startWith(String auth) throws Exception {
    f = new TlsFixture("mtls-" + auth);
    TestPki clients = TestPki.newCa("Client CA");
    java.nio.file.Path ca = clients.writeCa(f.dir.resolve("client-ca.pem"));
    f.start(t -> t.cert(f.cert).key(f.key).clientCa(ca).clientAuth(auth), b -> b.trustedProxies(java.util.List.of("127.0.0.0/8")));
    return clients.issue("alice", "alice.test");
  }

  private String headersSeen(SSLContext context) throws IOException {
    try (SSLSocket s = TlsClient.connect(f.address(), context, "proxy.test"); RawClient c = new RawClient(s)) {
      RawClient.Response r = c.send(SPOOF).read();
      assertThat(r.status()).isEqualTo(200);
      return r.body();
    }
  }

  @Test
  void requireRefusesAClientWithoutACertificate() throws Exception {
    startWith("require");
    assertThatThrownBy(() -> headersSeen(f.pki.clientContext())).isInstanceOf(IOException.class);
  }

  @Test
  void requirePassesTheVerifiedSubjectAndNotTheClientsHeader() throws Exception {
    TestPki.Issued alice = startWith("require");
    String seen = headersSeen(f.pki.clientContext(alice, "TLSv1.3"));
    assertThat(seen).contains("x-client-cert-subject: CN=alice\n").doesNotContain("CN=admin");
  }

  @Test
  void optionalServesAClientWithoutACertificateAndStripsTheSpoofedHeader() throws Exception {
    TestPki.Issued alice = startWith("optional");
    assertThat(headersSeen(f.pki.clientContext())).doesNotContain("client-cert-subject").doesNotContain("CN=admin");
    assertThat(headersSeen(f.pki.clientContext(alice, "TLSv1.2"))).contains("x-client-cert-subject: CN=alice\n");
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedWhileTheTrustedOneIsPassedOn() throws Exception {
    TestPki.Issued alice = startWith("optional");
    // curl sends the certificate it is given (the JDK's client would send none that the server's CA list does not name)
    TestPki.Issued mallory = TestPki.newCa("Other CA").issue("mallory", "mallory.test");
    assertThat(curl(mallory, "mallory")).startsWith("exit ").doesNotContain("mallory");
    assertThat(curl(alice, "alice")).isEqualTo("exit 0: CN=alice");
  }

  /** {@code curl --cert} for /headers; "exit N: " and the subject header's value the backend saw. */
  private String curl(TestPki.Issued client, String name) throws Exception {
    assertThat(java.nio.file.Path.of("/usr/bin/curl")).as("this test needs curl").isExecutable();
    java.nio.file.Path crt = client.writePem(f.dir, name);
    Process p = new ProcessBuilder("curl", "-sS", "--http1.1", "--cacert", f.caFile.toString(), "--cert", crt.toString(),
        "--key", f.dir.resolve(name + ".key").toString(), "https://127.0.0.1:" + f.address().getPort() + "/headers")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String subject = out.lines().filter(l -> l.startsWith("x-client-cert-subject: ")).map(l -> l.substring(23)).findFirst().orElse("");
    return "exit " + p.exitValue() + ": " + subject;
  }
}
