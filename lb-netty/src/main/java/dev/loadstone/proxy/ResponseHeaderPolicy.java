package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/**
 * What the proxy sends a client for a backend's response head, in one place: the backend's head minus
 * hop-by-hop headers, re-framed for this client (the backend's Content-Length when it had one; otherwise
 * {@code transfer-encoding: chunked} to an HTTP/1.1 client and a close-delimited body to an HTTP/1.0 one), the
 * sticky cookie, and {@code Connection: close} when the client connection ends after it. Always HTTP/1.1.
 */
final class ResponseHeaderPolicy {
  private ResponseHeaderPolicy() {}

  /**
   * Rewrites {@code r} (framed by the backend as {@code framing}) for the client; returns whether the client
   * connection stays open after it ({@code keepAlive} unless an HTTP/1.0 client needs the close to end the
   * body).
   */
  static boolean apply(HttpResponse r, Framing framing, boolean client10, boolean keepAlive, String setCookie) {
    HttpHeaders h = r.headers();
    HopByHop.strip(h);
    if (framing.kind() == Framing.Kind.CHUNKED || framing.kind() == Framing.Kind.CLOSE) {
      if (client10) {
        keepAlive = false; // an HTTP/1.0 client cannot read chunks: the close delimits the body
      } else {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    if (setCookie != null) {
      h.add(HttpHeaderNames.SET_COOKIE, setCookie);
    }
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (client10) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    r.setProtocolVersion(HttpVersion.HTTP_1_1);
    return keepAlive;
  }

  /** A backend's 101 to a WebSocket upgrade: only the upgrade's own hop-by-hop headers go on. */
  static void applyUpgrade(HttpResponse r) {
    String upgrade = r.headers().get(HttpHeaderNames.UPGRADE);
    HopByHop.strip(r.headers());
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    r.headers().set(HttpHeaderNames.UPGRADE, upgrade == null ? "websocket" : upgrade);
    r.setProtocolVersion(HttpVersion.HTTP_1_1);
  }

  /** Whether the backend connection may carry another exchange after this response (RFC 9112 9.3). */
  static boolean backendReusable(HttpResponse r, Framing framing) {
    return framing.kind() != Framing.Kind.CLOSE && io.netty.handler.codec.http.HttpUtil.isKeepAlive(r);
  }
}
