package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;

/**
 * Where the consistent-hash key of a request comes from: {@code header:NAME}, {@code cookie:NAME},
 * {@code client-ip} or {@code path}.
 */
final class HashKey {
  private enum Source {
    HEADER,
    COOKIE,
    CLIENT_IP,
    PATH
  }

  private final Source source;
  private final String name;
  private final String spec;

  private HashKey(Source source, String name, String spec) {
    this.source = source;
    this.name = name;
    this.spec = spec;
  }

  static HashKey parse(String spec) {
    String s = spec == null ? "" : spec.trim();
    if (s.equals("client-ip")) {
      return new HashKey(Source.CLIENT_IP, null, s);
    }
    if (s.equals("path")) {
      return new HashKey(Source.PATH, null, s);
    }
    if (s.startsWith("header:") && s.length() > 7) {
      return new HashKey(Source.HEADER, s.substring(7), s);
    }
    if (s.startsWith("cookie:") && s.length() > 7) {
      return new HashKey(Source.COOKIE, s.substring(7), s);
    }
    throw new IllegalArgumentException(
        "hash-key: '" + spec + "' (expected: header:NAME, cookie:NAME, client-ip or path)");
  }

  /** The key of this request, or null when the request does not carry it (the balancer then picks freely). */
  String of(HttpRequest request, InetSocketAddress client) {
    switch (source) {
      case HEADER:
        return request.headers().get(name);
      case COOKIE:
        return cookie(request, name);
      case CLIENT_IP:
        return client == null ? null : client.getAddress().getHostAddress();
      case PATH:
        return new QueryStringDecoder(request.uri()).rawPath();
      default:
        throw new AssertionError(source);
    }
  }

  static String cookie(HttpRequest request, String cookieName) {
    for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
      for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
        if (c.name().equals(cookieName)) {
          return c.value();
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return spec;
  }
}
