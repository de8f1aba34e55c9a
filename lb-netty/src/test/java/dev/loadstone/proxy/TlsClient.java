package dev.loadstone.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** TLS connections to the proxy for tests: a handshake with a chosen SNI name, and what the server presented. */
final class TlsClient {
  private TlsClient() {}

  /** Connects and completes the handshake, sending {@code sni} (null: none). */
  static SSLSocket connect(InetSocketAddress to, SSLContext context, String sni) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(to.getAddress(), to.getPort());
    s.setSoTimeout(10_000);
    SSLParameters p = s.getSSLParameters();
    if (sni != null) {
      p.setServerNames(List.of(new SNIHostName(sni)));
    }
    p.setApplicationProtocols(new String[] {"http/1.1"});
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  /** The subject of the certificate the server presented. */
  static String serverSubject(SSLSocket s) throws IOException {
    return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
  }

  /** One GET over the connection; the connection stays open. */
  static RawClient.Response get(RawClient c, String path) throws IOException {
    return c.send("GET " + path + " HTTP/1.1\r\nHost: proxy.test\r\n\r\n").read();
  }
}
