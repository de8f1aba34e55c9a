package dev.loadstone.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * The client context for {@code backend-tls}: trusts {@code backend-tls-trust} (else the JDK's trust store),
 * sends the backend's host as SNI (not for an IP address), and checks that the certificate names that host
 * unless {@code backend-tls-verify-hostname: false}. Shared by the proxy's backend connections and the health checks.
 */
public final class BackendTls {
  private BackendTls() {}

  /** The context, or null when backends speak plain HTTP. A trust file that does not load is an error naming it. */
  public static SslContext context(TlsSettings s) {
    if (!s.backendTls) {
      return null;
    }
    SslContextBuilder b = SslContextBuilder.forClient()
        .sslProvider(ServerTls.provider(s.provider))
        .protocols(s.protocols)
        .endpointIdentificationAlgorithm(s.backendVerifyHostname ? "HTTPS" : null);
    if (s.backendTrust != null) {
      ServerContexts.certificates(s.backendTrust); // a clear error for a file that is no PEM certificate
      b.trustManager(s.backendTrust.toFile());
    }
    try {
      return b.build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("backend-tls-trust: " + s.backendTrust + ": " + e.getMessage(), e);
    }
  }
}
