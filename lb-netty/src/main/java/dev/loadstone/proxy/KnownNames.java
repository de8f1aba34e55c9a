package dev.loadstone.proxy;

import io.netty.util.AsciiString;

/**
 * The header names most requests and responses carry, as shared {@link AsciiString}s: a parsed name that matches
 * one byte for byte (case included, so what is forwarded keeps the sender's spelling) costs no allocation, and its
 * hash is computed once for the life of the process.
 */
final class KnownNames {
  private static final String[] NAMES = {
    "Host", "host", "User-Agent", "user-agent", "Accept", "accept", "Accept-Encoding", "accept-encoding",
    "Accept-Language", "accept-language", "Connection", "connection", "Content-Length", "content-length",
    "Content-Type", "content-type", "Cookie", "cookie", "Set-Cookie", "set-cookie", "Date", "date", "Server",
    "server", "Cache-Control", "cache-control", "Last-Modified", "last-modified", "ETag", "etag", "Accept-Ranges",
    "accept-ranges", "Transfer-Encoding", "transfer-encoding", "Keep-Alive", "keep-alive", "Referer", "referer",
    "Authorization", "authorization", "Origin", "origin", "X-Forwarded-For", "x-forwarded-for",
    "X-Forwarded-Proto", "x-forwarded-proto", "X-Request-Id", "x-request-id", "Vary", "vary", "Expires",
    "expires", "Location", "location", "Upgrade", "upgrade", "Content-Encoding", "content-encoding",
  };
  /** By length, then first byte: the candidates a name of that shape can be. */
  private static final AsciiString[][] BY_LENGTH = new AsciiString[32][];

  static {
    for (String n : NAMES) {
      AsciiString[] old = BY_LENGTH[n.length()];
      AsciiString[] grown = old == null ? new AsciiString[1] : java.util.Arrays.copyOf(old, old.length + 1);
      grown[grown.length - 1] = AsciiString.cached(n);
      BY_LENGTH[n.length()] = grown;
    }
  }

  private KnownNames() {}

  /** The name in {@code a[0..len)}: a shared instance when it is a known one, else a new one. */
  static AsciiString of(byte[] a, int len) {
    AsciiString[] candidates = len < BY_LENGTH.length ? BY_LENGTH[len] : null;
    if (candidates != null) {
      for (AsciiString c : candidates) {
        if (same(c, a, len)) {
          return c;
        }
      }
    }
    return new AsciiString(a, 0, len, true);
  }

  private static boolean same(AsciiString c, byte[] a, int len) {
    byte[] b = c.array();
    int off = c.arrayOffset();
    for (int i = 0; i < len; i++) {
      if (b[off + i] != a[i]) {
        return false;
      }
    }
    return true;
  }
}
