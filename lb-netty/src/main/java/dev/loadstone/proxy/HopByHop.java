package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/** Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection, so a proxy never forwards them. */
final class HopByHop {
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  private HopByHop() {}

  /**
   * Removes {@code Connection} and every header it names (except Content-Length and Host, which a sender
   * cannot make disappear), and Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authorization and
   * Proxy-Connection. The caller re-frames the message.
   */
  static void strip(HttpHeaders h) {
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
        for (String token : value.split(",")) {
          String t = token.trim();
          if (!t.isEmpty()
              && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(t)
              && !HttpHeaderNames.HOST.contentEqualsIgnoreCase(t)) {
            h.remove(t);
          }
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(HttpHeaderNames.TE);
    h.remove(HttpHeaderNames.TRAILER);
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.remove(HttpHeaderNames.UPGRADE);
    h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    h.remove(PROXY_CONNECTION);
  }

  static boolean isWebSocketUpgrade(HttpHeaders h) {
    return h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }
}
