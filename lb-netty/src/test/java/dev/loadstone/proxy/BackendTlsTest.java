package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.health.HealthCheckSettings;
import dev.loadstone.lb.Health;
import dev.loadstone.proxy.admin.ProxyOperations;
import dev.loadstone.proxy.tls.TlsSettings;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** backend-tls: the proxy speaks TLS to its backends, verifying their certificates and names; health checks too. */
class BackendTlsTest {
  private TestPki pki;
  private Path caFile;
  private TestOrigin origin;
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  /** An origin serving a certificate for {@code names}, and a plain proxy in front of it with backend-tls on. */
  private int start(Consumer<TlsSettings.Builder> tls, String... names) throws Exception {
    pki = TestPki.newCa("Backend CA");
    Path dir = TestPki.tempDir("backend-tls");
    caFile = pki.writeCa(dir.resolve("ca.pem"));
    TestPki.Issued cert = pki.issue("origin", names);
    origin = TestOrigin.startTls("tls-origin", SslContextBuilder.forServer(cert.keys().getPrivate(), cert.cert()).build());
    TlsSettings.Builder t = TlsSettings.builder().backendTls(true);
    tls.accept(t);
    proxy = ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").addBackend("localhost:" + origin.port())
        .retries(0).tls(t.build()).build()).eventLoopThreads(1).start();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + proxy.localAddress().getPort() + "/"))
        .build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  @Test
  void aBackendWithATrustedCertificateForItsNameIsProxied() throws Exception {
    assertThat(start(t -> t.backendTrust(caFile), "localhost")).isEqualTo(200);
    assertThat(origin.requests.get()).isEqualTo(1);
  }

  @Test
  void aBackendCertificateForAnotherNameFailsWith502() throws Exception {
    assertThat(start(t -> t.backendTrust(caFile), "elsewhere.test")).isEqualTo(502);
    assertThat(origin.requests.get()).isZero();
  }

  @Test
  void hostnameVerificationOffAcceptsACertificateForAnotherName() throws Exception {
    assertThat(start(t -> t.backendTrust(caFile).backendVerifyHostname(false), "elsewhere.test")).isEqualTo(200);
  }

  @Test
  void aBackendCertificateFromAnUntrustedCaFailsWith502() throws Exception {
    assertThat(start(t -> {}, "localhost")).as("the JDK's trust store does not know the test CA").isEqualTo(502);
  }

  @Test
  void healthChecksSpeakTlsToTheBackend() throws Exception {
    start(t -> t.backendTrust(caFile), "localhost");
    int before = origin.requests.get();
    HealthCheckSettings checks = HealthCheckSettings.builder().type(HealthCheckSettings.Type.HTTP).path("/health")
        .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(150)).build();
    proxy.pool().setHealth(proxy.pool().snapshot().all().get(0).backend().id(), Health.DOWN);
    ProxyConfig cfg = ProxyConfig.builder().listen("127.0.0.1:0").admin(new java.net.InetSocketAddress("127.0.0.1", 0)).addBackend("localhost:" + origin.port()).health(checks)
        .tls(TlsSettings.builder().backendTls(true).backendTrust(caFile).build()).build();
    try (ProxyOperations ops = ProxyOperations.create(proxy.pool(), cfg, null)) {
      ops.start();
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> proxy.pool().snapshot().all().get(0).health() == Health.UP);
    }
    assertThat(origin.seen).anySatisfy(s -> assertThat(s.uri()).isEqualTo("/health"));
    assertThat(origin.requests.get()).isGreaterThan(before);
  }
}
