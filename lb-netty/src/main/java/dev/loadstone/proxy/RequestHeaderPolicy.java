package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the proxy sends a backend, in one place. The client's head minus hop-by-hop headers ({@link
 * HopByHop}); from a client outside the trusted CIDRs also minus every header it could use to spoof where the
 * request came from (every {@code X-Forwarded-*}, {@code X-Real-IP}, {@code Forwarded} and the configured
 * {@code strip-headers}, also when spelled with '_' for '-', which CGI-style servers read the same); then the
 * proxy's forwarding headers (X-Forwarded-For appended, -Proto, -Host, RFC 7239 Forwarded appended); then the
 * framing the proxy decided ({@code content-length: N} or {@code transfer-encoding: chunked}, never the
 * client's bytes); always HTTP/1.1. Trailers pass only when named in {@code forward-trailers}. On a TLS
 * connection ({@link dev.loadstone.proxy.tls.TlsInfo}) the proxy's headers say {@code https}; the TLS client
 * certificate's subject header is removed from every client's head and set from the handshake.
 */
final class RequestHeaderPolicy {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString FORWARDED = AsciiString.cached("forwarded");

  private final List<Cidr> trusted;
  /** Extra names removed from untrusted clients, lower-case with '-' for '_'. */
  private final String[] strip;
  private final TrailerPolicy trailers;
  /** The header carrying a TLS client certificate's subject; removed from every client's input, trusted or not. */
  private final String subjectHeader;

  RequestHeaderPolicy(List<Cidr> trusted, List<String> stripRequestHeaders, TrailerPolicy trailers, String subjectHeader) {
    this.trusted = List.copyOf(trusted);
    this.strip = stripRequestHeaders.stream().map(RequestHeaderPolicy::normalized).toArray(String[]::new);
    this.trailers = trailers;
    this.subjectHeader = normalized(subjectHeader);
  }

  /** What the forwarding headers need to know about one client connection, computed once per connection. */
  static final class Client {
    final boolean trusted;
    final String ip;
    /** The RFC 7239 element up to the host: {@code for=...;proto=http}. */
    final String forwardedFor;
    /** Whether the connection is TLS: the proxy's forwarding headers then say https. */
    final boolean tls;
    /** The verified client certificate's subject, or null. */
    final String peerSubject;

    Client(boolean trusted, String ip, String forwardedFor, boolean tls, String peerSubject) {
      this.trusted = trusted;
      this.ip = ip;
      this.forwardedFor = forwardedFor;
      this.tls = tls;
      this.peerSubject = peerSubject;
    }
  }

  /** The client of a connection channel (or an HTTP/2 stream of one): its address and its TLS ({@link TlsInfo}). */
  Client client(io.netty.channel.Channel ch) {
    io.netty.channel.Channel conn = ch.parent() instanceof io.netty.channel.socket.ServerSocketChannel || ch.parent() == null ? ch : ch.parent();
    dev.loadstone.proxy.tls.TlsInfo tls = dev.loadstone.proxy.tls.TlsInfo.of(ch);
    return client(((java.net.InetSocketAddress) conn.remoteAddress()).getAddress(), tls);
  }

  private Client client(InetAddress address, dev.loadstone.proxy.tls.TlsInfo tls) {
    String ip = address.getHostAddress();
    int pct = ip.indexOf('%');
    if (pct >= 0) {
      ip = ip.substring(0, pct);
    }
    boolean isTrusted = trusted.stream().anyMatch(c -> c.contains(address));
    String forValue = address instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
    return new Client(isTrusted, ip, "for=" + forValue + (tls == null ? ";proto=http" : ";proto=https"), tls != null,
        tls == null ? null : tls.peerSubject());
  }

  /**
   * Rewrites {@code head}'s request for forwarding; returns the protocol the original client used ({@code
   * http}, or what a trusted proxy's X-Forwarded-Proto says).
   */
  String apply(RequestHead head, Client client) {
    HttpRequest req = head.request;
    HttpHeaders h = req.headers();
    String upgrade = head.upgrade ? h.get(HttpHeaderNames.UPGRADE) : null;
    HopByHop.strip(h);
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    removeSpoofable(h, client.trusted);
    if (client.peerSubject != null) {
      h.set(subjectHeader, client.peerSubject);
    }
    String proto = addForwarding(h, client);
    if (head.framing.kind() == Framing.Kind.LENGTH) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(head.framing.length()));
    } else if (head.framing.kind() == Framing.Kind.CHUNKED) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (upgrade != null) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      h.set(HttpHeaderNames.UPGRADE, upgrade);
    }
    req.setProtocolVersion(HttpVersion.HTTP_1_1);
    return proto;
  }

  TrailerPolicy trailers() {
    return trailers;
  }

  private void removeSpoofable(HttpHeaders h, boolean trustedClient) {
    List<CharSequence> names = null;
    for (java.util.Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
      CharSequence name = it.next().getKey();
      if (matches(name, subjectHeader, false) || !trustedClient && isSpoofable(name)) {
        if (names == null) {
          names = new ArrayList<>(2);
        }
        names.add(name);
      }
    }
    if (names != null) {
      names.forEach(h::remove);
    }
  }

  private boolean isSpoofable(CharSequence name) {
    char c = Character.toLowerCase(name.charAt(0));
    if (c == 'x' && name.length() >= 9) {
      if (matches(name, "x-forwarded-", true) || matches(name, "x-real-ip", false)) {
        return true;
      }
    } else if (c == 'f' && matches(name, "forwarded", false)) {
      return true;
    }
    for (String s : strip) {
      if (matches(name, s, false)) {
        return true;
      }
    }
    return false;
  }

  /** {@code name} equals (or starts with) {@code lower}, ignoring case and reading '_' as '-'. */
  private static boolean matches(CharSequence name, String lower, boolean prefix) {
    int n = lower.length();
    if (prefix ? name.length() < n : name.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = Character.toLowerCase(name.charAt(i));
      if ((c == '_' ? '-' : c) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static String normalized(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String addForwarding(HttpHeaders h, Client client) {
    List<String> priorFor = client.trusted ? h.getAll(X_FORWARDED_FOR) : List.of();
    h.set(X_FORWARDED_FOR, priorFor.isEmpty() ? client.ip : String.join(", ", priorFor) + ", " + client.ip);
    String proto = client.tls ? "https" : "http";
    String priorProto = h.get(X_FORWARDED_PROTO);
    if (priorProto != null) {
      int comma = priorProto.indexOf(',');
      proto = (comma < 0 ? priorProto : priorProto.substring(0, comma)).trim().toLowerCase(Locale.ROOT);
    } else {
      h.set(X_FORWARDED_PROTO, proto);
    }
    String host = h.get(HttpHeaderNames.HOST);
    if (host != null && !h.contains(X_FORWARDED_HOST)) {
      h.set(X_FORWARDED_HOST, host);
    }
    String el = host == null ? client.forwardedFor : client.forwardedFor + ";host=" + quoted(host);
    List<String> priorForwarded = client.trusted ? h.getAll(FORWARDED) : List.of();
    h.set(FORWARDED, priorForwarded.isEmpty() ? el : String.join(", ", priorForwarded) + ", " + el);
    return proto;
  }

  /** An RFC 7239 value: a token as is, anything else (an IPv6 literal, a port's colon) as a quoted-string. */
  private static String quoted(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (!HttpChars.isTchar(v.charAt(i))) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      }
    }
    return v;
  }
}
