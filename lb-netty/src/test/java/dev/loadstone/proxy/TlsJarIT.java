package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The shaded jar serves TLS with the OpenSSL inside it, and reloads its certificate on SIGHUP. */
class TlsJarIT {
  private static final Path JAR = Path.of("target", "lb-proxy.jar");

  @Test
  void theJarServesTlsByOpenSslAndReloadsTheCertificateOnSighup() throws Exception {
    assertThat(JAR).exists();
    Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("jar-tls.log");
    try (TlsFixture f = new TlsFixture("jar")) {
      ChildProxy proxy = ChildProxy.fromJar(JAR, List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
          "--backend", f.origin.address(), "--tls-cert", f.cert.toString(), "--tls-key", f.key.toString(),
          "--watch-config", "false"), log); // only SIGHUP reloads
      try (SSLSocket open = TlsClient.connect(proxy.address(), f.pki.clientContext(), "proxy.test"); RawClient c = new RawClient(open)) {
        assertThat(TlsClient.get(c, "/").body()).isEqualTo("a");
        TestPki.Issued renewed = f.pki.issue("proxy.test renewed", "proxy.test");
        renewed.writePem(f.dir, "server");
        proxy.signal("HUP");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subject(f, proxy).equals("CN=proxy.test renewed"));
        assertThat(TlsClient.get(c, "/").status()).as("the connection opened before goes on").isEqualTo(200);
        assertThat(TlsClient.serverSubject(open)).isEqualTo("CN=proxy.test");
      } finally {
        assertThat(proxy.stop()).isEqualTo(0);
      }
      String logged = Files.readString(log);
      assertThat(logged).contains("TLS by OpenSSL").contains("TLS certificates reloaded").doesNotContain("Exception");
    }
  }

  @Test
  void theJarUsesTheJdkProviderWhenForced() throws Exception {
    Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("jar-tls-jdk.log");
    try (TlsFixture f = new TlsFixture("jar-jdk")) {
      ChildProxy proxy = ChildProxy.fromJar(JAR, List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
          "--backend", f.origin.address(), "--tls-cert", f.cert.toString(), "--tls-key", f.key.toString(), "--tls-provider", "jdk"), log);
      try {
        assertThat(subject(f, proxy)).isEqualTo("CN=proxy.test");
      } finally {
        assertThat(proxy.stop()).isEqualTo(0);
      }
      assertThat(Files.readString(log)).contains("TLS by JDK");
    }
  }

  private static String subject(TlsFixture f, ChildProxy proxy) throws Exception {
    try (SSLSocket s = TlsClient.connect(proxy.address(), f.pki.clientContext(), "proxy.test"); RawClient c = new RawClient(s)) {
      assertThat(TlsClient.get(c, "/").status()).isEqualTo(200);
      return TlsClient.serverSubject(s);
    }
  }
}
