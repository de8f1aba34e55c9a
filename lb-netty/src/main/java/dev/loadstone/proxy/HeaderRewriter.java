package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Header rules of a proxy: hop-by-hop headers go (RFC 9110 7.6.1), forwarding headers are added
 * (X-Forwarded-* and RFC 7239 Forwarded), and client-supplied forwarding headers survive only from
 * trusted proxies.
 */
final class HeaderRewriter {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString FORWARDED = AsciiString.cached("forwarded");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  private final List<Cidr> trusted;

  HeaderRewriter(List<Cidr> trusted) {
    this.trusted = trusted;
  }

  boolean isTrusted(InetAddress client) {
    for (Cidr c : trusted) {
      if (c.contains(client)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the forwarding headers need to know about one client connection, computed once per connection
   * rather than per request (the address text and the trusted-CIDR lookup).
   */
  static final class Client {
    final boolean trusted;
    final String ip;
    /** The RFC 7239 element up to the host: {@code for=...;proto=http}. */
    final String forwardedFor;

    private Client(boolean trusted, String ip, String forwardedFor) {
      this.trusted = trusted;
      this.ip = ip;
      this.forwardedFor = forwardedFor;
    }
  }

  Client client(InetAddress address) {
    String ip = address.getHostAddress();
    int pct = ip.indexOf('%');
    if (pct >= 0) {
      ip = ip.substring(0, pct);
    }
    String forValue = address instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
    return new Client(isTrusted(address), ip, "for=" + forValue + ";proto=http");
  }

  /** Removes hop-by-hop headers, including those named by Connection (never the framing or Host). */
  static void stripHopByHop(HttpHeaders h) {
    if (!h.contains(HttpHeaderNames.CONNECTION)) {
      removeFixedHopByHop(h);
      return;
    }
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
    removeFixedHopByHop(h);
  }

  private static void removeFixedHopByHop(HttpHeaders h) {
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

  /**
   * Adds the forwarding headers for a request from {@code client}; {@code fromTrusted} keeps what a
   * trusted proxy in front of us already put there. Returns the protocol the original client used.
   */
  String addForwarding(HttpHeaders h, InetAddress client, boolean fromTrusted) {
    Client c = client(client);
    return addForwarding(h, new Client(fromTrusted, c.ip, c.forwardedFor));
  }

  /** As {@link #addForwarding(HttpHeaders, InetAddress, boolean)}, with the per-connection part precomputed. */
  String addForwarding(HttpHeaders h, Client client) {
    boolean fromTrusted = client.trusted;
    if (!fromTrusted) {
      h.remove(X_FORWARDED_FOR);
      h.remove(X_FORWARDED_PROTO);
      h.remove(X_FORWARDED_HOST);
      h.remove(FORWARDED);
    }
    String ip = client.ip;
    List<String> priorFor = fromTrusted ? h.getAll(X_FORWARDED_FOR) : List.of();
    h.set(X_FORWARDED_FOR, priorFor.isEmpty() ? ip : String.join(", ", priorFor) + ", " + ip);

    String proto = "http";
    String priorProto = h.get(X_FORWARDED_PROTO);
    if (priorProto != null) {
      int comma = priorProto.indexOf(',');
      proto = (comma < 0 ? priorProto : priorProto.substring(0, comma)).trim().toLowerCase(java.util.Locale.ROOT);
    } else {
      h.set(X_FORWARDED_PROTO, proto);
    }
    String host = h.get(HttpHeaderNames.HOST);
    if (!h.contains(X_FORWARDED_HOST) && host != null) {
      h.set(X_FORWARDED_HOST, host);
    }

    String el = host == null ? client.forwardedFor : client.forwardedFor + ";host=" + quoted(host);
    List<String> priorForwarded = fromTrusted ? h.getAll(FORWARDED) : List.of();
    h.set(FORWARDED, priorForwarded.isEmpty() ? el : String.join(", ", priorForwarded) + ", " + el);
    return proto;
  }

  private static String quoted(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean tchar = Character.isLetterOrDigit(c) && c < 0x80 || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      }
    }
    return v;
  }
}
