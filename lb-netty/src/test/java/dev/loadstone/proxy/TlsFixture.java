package dev.loadstone.proxy;

import dev.loadstone.proxy.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A TLS proxy for tests: a test CA, a server certificate for {@code proxy.test} and 127.0.0.1 written into a
 * fresh directory under target/, one {@link TestOrigin}, and the proxy in front of it.
 */
final class TlsFixture implements AutoCloseable {
  final TestPki pki;
  final Path dir;
  final TestPki.Issued server;
  final Path cert;
  final Path key;
  final Path caFile;
  final TestOrigin origin = TestOrigin.start("a");
  ProxyServer proxy;

  TlsFixture(String name) throws Exception {
    pki = TestPki.newCa("Test CA " + name);
    dir = TestPki.tempDir(name);
    server = pki.issue("proxy.test", "proxy.test");
    cert = server.writePem(dir, "server");
    key = dir.resolve("server.key");
    caFile = pki.writeCa(dir.resolve("ca.pem"));
  }

  /** Starts the proxy with the server certificate, and whatever {@code tls} and {@code config} add. */
  ProxyServer start(Consumer<TlsSettings.Builder> tls, Consumer<ProxyConfigBuilder> config) {
    TlsSettings.Builder t = TlsSettings.builder();
    tls.accept(t);
    ProxyConfigBuilder b = ProxyConfig.builder().listen("127.0.0.1:0").addBackend(origin.address() + ",id=a");
    config.accept(b);
    proxy = ProxyServer.builder(b.tls(t.build()).build()).eventLoopThreads(1).start();
    return proxy;
  }

  /** With the PEM pair as the default certificate. */
  ProxyServer startWithPem(Consumer<TlsSettings.Builder> tls) {
    return start(t -> tls.accept(t.cert(cert).key(key)), b -> {});
  }

  InetSocketAddress address() {
    return proxy.localAddress();
  }

  URI uri(String path) {
    return URI.create("https://127.0.0.1:" + address().getPort() + path);
  }

  /** A GET through the JDK's HttpClient (HTTP/1.1) trusting the test CA. */
  HttpResponse<String> get(String path) throws Exception {
    return get(pki.clientContext(), path);
  }

  HttpResponse<String> get(SSLContext context, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();
    return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    if (proxy != null) {
      proxy.close();
    }
    origin.close();
  }
}
