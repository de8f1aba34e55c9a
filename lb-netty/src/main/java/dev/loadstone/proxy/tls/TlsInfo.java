package dev.loadstone.proxy.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Objects;

/**
 * What a client connection's TLS handshake settled, stored on the connection channel when the handshake
 * completes. The request path reads it with {@link #of(Channel)}, which also looks at the channel's parent,
 * so an HTTP/2 stream channel (a child of the TLS connection) finds its connection's handshake.
 */
public final class TlsInfo {
  static final AttributeKey<TlsInfo> KEY = AttributeKey.valueOf(TlsInfo.class, "tls");

  private final String protocol;
  private final String cipher;
  private final String sniName;
  private final String peerSubject;

  public TlsInfo(String protocol, String cipher, String sniName, String peerSubject) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.sniName = sniName;
    this.peerSubject = peerSubject;
  }

  /** The TLS of {@code ch}'s connection (or of its parent's), or null when it is plain. */
  public static TlsInfo of(Channel ch) {
    for (Channel c = ch; c != null; c = c.parent()) {
      TlsInfo info = c.attr(KEY).get();
      if (info != null) {
        return info;
      }
    }
    return null;
  }

  void attachTo(Channel ch) {
    ch.attr(KEY).set(this);
  }

  /** {@code TLSv1.3} or {@code TLSv1.2}. */
  public String protocol() { return protocol; }

  public String cipher() { return cipher; }

  /** The server name the client asked for (SNI), or null. */
  public String sniName() { return sniName; }

  /** The verified client certificate's subject (RFC 2253), or null when the client sent none. */
  public String peerSubject() { return peerSubject; }

  @Override
  public String toString() {
    return protocol + " " + cipher + (sniName == null ? "" : " sni=" + sniName) + (peerSubject == null ? "" : " peer=" + peerSubject);
  }
}
