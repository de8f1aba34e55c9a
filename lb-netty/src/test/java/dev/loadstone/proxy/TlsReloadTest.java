package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Certificates change without a restart: new handshakes get the new one, open connections go on, a bad file is refused. */
class TlsReloadTest {
  private TlsFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private String newHandshakeSubject() throws Exception {
    try (SSLSocket s = TlsClient.connect(f.address(), f.pki.clientContext(), "proxy.test")) {
      return TlsClient.serverSubject(s);
    }
  }

  /** Replaces the certificate and key files the way deployment tools do: written aside, then renamed over. */
  private void replaceCertificate(TestPki.Issued next) throws Exception {
    next.writePem(f.dir.resolve("next"), "server");
    Files.move(f.dir.resolve("next/server.key"), f.key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(f.dir.resolve("next/server.crt"), f.cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aChangedCertificateFileServesNewHandshakesWhileOpenConnectionsGoOn() throws Exception {
    f = new TlsFixture("reload-watch");
    ProxyConfigBuilder b = ProxyConfig.builder().listen("127.0.0.1:0").addBackend(f.origin.address());
    f.proxy = ProxyServer.builder(b.tls(dev.loadstone.proxy.tls.TlsSettings.builder().cert(f.cert).key(f.key).build()).build())
        .eventLoopThreads(1).watchTlsFiles(true).start();
    try (SSLSocket open = TlsClient.connect(f.address(), f.pki.clientContext(), "proxy.test"); RawClient c = new RawClient(open)) {
      assertThat(TlsClient.get(c, "/").status()).isEqualTo(200);
      replaceCertificate(f.pki.issue("proxy.test renewed", "proxy.test"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> newHandshakeSubject().equals("CN=proxy.test renewed"));
      assertThat(TlsClient.get(c, "/").status()).as("the open connection goes on").isEqualTo(200);
      assertThat(TlsClient.serverSubject(open)).isEqualTo("CN=proxy.test");
    }
  }

  @Test
  void aReloadServesTheNewCertificateAndABadFileIsRefusedKeepingTheOldOne() throws Exception {
    f = new TlsFixture("reload-now");
    f.startWithPem(t -> {});
    TestPki.Issued renewed = f.pki.issue("proxy.test renewed", "proxy.test");
    replaceCertificate(renewed);
    assertThat(f.proxy.reloadTls()).isTrue();
    assertThat(newHandshakeSubject()).isEqualTo("CN=proxy.test renewed");

    Files.writeString(f.cert, "-----BEGIN CERTIFICATE-----\ntruncated\n");
    assertThat(f.proxy.reloadTls()).as("a bad file is refused").isFalse();
    assertThat(newHandshakeSubject()).isEqualTo("CN=proxy.test renewed");

    Files.writeString(f.cert, TestPki.pem(f.pki.issue("other key", "proxy.test").cert())); // a certificate whose key is not server.key
    assertThat(f.proxy.reloadTls()).as("a certificate that does not match the key is refused").isFalse();
    assertThat(newHandshakeSubject()).isEqualTo("CN=proxy.test renewed");
  }
}
