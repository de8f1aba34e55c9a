package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * How a message's body is delimited, decided in one place from its parsed head: the message body length rules
 * of RFC 9112 6.3, read in order. Transfer-Encoding is the list of every Transfer-Encoding line; the only
 * coding the proxy implements is {@code chunked}, exactly once and last. Whatever the client or backend framed
 * with, the proxy re-frames what it forwards from this decision (one Content-Length, or
 * {@code Transfer-Encoding: chunked}), so no framing byte of the sender reaches the receiver.
 *
 * <p>Requests: Content-Length together with Transfer-Encoding, Transfer-Encoding in HTTP/1.0, more than one or an
 * invalid Content-Length, and a Transfer-Encoding whose last coding is not chunked (or with chunked twice) are
 * 400: the length cannot be known, so the connection closes. A known coding list ending in chunked with other
 * codings before it is 501 (RFC 9112 6.1). Responses follow the same rules and any violation is a 502; a
 * response without either header is delimited by the close of the connection.
 */
record Framing(Kind kind, long length) {
  enum Kind {
    /** No body (a request without Content-Length or Transfer-Encoding; HEAD, 1xx, 204, 304 responses). */
    NONE,
    /** Exactly {@link #length()} bytes. */
    LENGTH,
    /** Chunked (RFC 9112 7.1). */
    CHUNKED,
    /** Until the sender closes (responses only). */
    CLOSE
  }

  static final Framing NONE = new Framing(Kind.NONE, 0);
  static final Framing CHUNKED = new Framing(Kind.CHUNKED, -1);
  static final Framing CLOSE = new Framing(Kind.CLOSE, -1);

  static Framing length(long n) {
    return new Framing(Kind.LENGTH, n);
  }

  /** Whether body bytes follow the head (so a LENGTH of 0 has none). */
  boolean hasBody() {
    return kind == Kind.CHUNKED || kind == Kind.CLOSE || (kind == Kind.LENGTH && length > 0);
  }

  /** RFC 9112 6.3 for a request. */
  static Framing ofRequest(HttpVersion version, HttpHeaders h) throws Rejection {
    return decide(version, h, 400, "request");
  }

  /** RFC 9112 6.3 for a response to {@code method} (null when the backend answered nothing we asked). */
  static Framing ofResponse(HttpMethod method, int status, HttpVersion version, HttpHeaders h) throws Rejection {
    if (HttpMethod.HEAD.equals(method) || status / 100 == 1 || status == 204 || status == 304) {
      return NONE;
    }
    Framing f = decide(version, h, 502, "response");
    return f == NONE ? CLOSE : f;
  }

  private static Framing decide(HttpVersion version, HttpHeaders h, int bad, String what) throws Rejection {
    boolean hasTe = h.contains(HttpHeaderNames.TRANSFER_ENCODING);
    if (!hasTe && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return NONE; // most requests: no list is built
    }
    List<String> te = hasTe ? h.getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
    List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (!te.isEmpty()) {
      if (!cl.isEmpty()) {
        throw new Rejection(bad, "Content-Length together with Transfer-Encoding in a " + what + " (RFC 9112 6.3)");
      }
      if (version == HttpVersion.HTTP_1_0) {
        throw new Rejection(bad, "Transfer-Encoding in an HTTP/1.0 " + what + " (RFC 9112 6.1)");
      }
      List<String> codings = codings(te, bad);
      if (codings.isEmpty()) {
        throw new Rejection(bad, "an empty Transfer-Encoding");
      }
      String joined = String.join(", ", te);
      if (!"chunked".equalsIgnoreCase(codings.get(codings.size() - 1))) {
        throw new Rejection(bad, "Transfer-Encoding '" + joined + "' does not end with chunked, so the body length is unknown (RFC 9112 6.3)");
      }
      for (int i = 0; i < codings.size() - 1; i++) {
        if ("chunked".equalsIgnoreCase(codings.get(i))) {
          throw new Rejection(bad, "Transfer-Encoding '" + joined + "' applies chunked more than once (RFC 9112 6.1)");
        }
      }
      if (codings.size() > 1) {
        throw new Rejection(bad == 400 ? 501 : bad, "the transfer coding '" + codings.get(0) + "' is not supported (only chunked; Transfer-Encoding '" + joined + "')");
      }
      return CHUNKED;
    }
    if (cl.isEmpty()) {
      return NONE;
    }
    if (cl.size() > 1) {
      throw new Rejection(bad, "more than one Content-Length (" + String.join(", ", cl) + ")");
    }
    return length(contentLength(cl.get(0), bad));
  }

  /** Content-Length = 1*DIGIT (RFC 9110 8.6): no sign, no list, no whitespace inside, at most 18 digits. */
  private static long contentLength(String v, int bad) throws Rejection {
    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(HttpChars::isDigit)) {
      throw new Rejection(bad, "invalid Content-Length '" + v + "' (expected: a decimal number of bytes)");
    }
    return Long.parseLong(v);
  }

  /**
   * The transfer codings of every Transfer-Encoding line, in order (RFC 9112 6.1: {@code #transfer-coding}; empty
   * list elements are skipped, RFC 9110 5.6.1). A coding is a token, optionally with parameters; chunked takes none.
   */
  private static List<String> codings(List<String> lines, int bad) throws Rejection {
    List<String> out = new ArrayList<>(2);
    for (String line : lines) {
      for (String element : line.split(",", -1)) {
        String e = trimOws(element);
        if (e.isEmpty()) {
          continue;
        }
        int semi = e.indexOf(';');
        String coding = trimOws(semi < 0 ? e : e.substring(0, semi));
        if (coding.isEmpty() || !coding.chars().allMatch(HttpChars::isTchar)) {
          throw new Rejection(bad, "invalid transfer coding '" + e + "' in Transfer-Encoding '" + String.join(", ", lines) + "'");
        }
        if (semi >= 0 && "chunked".equalsIgnoreCase(coding)) {
          throw new Rejection(bad, "chunked takes no parameters (Transfer-Encoding '" + String.join(", ", lines) + "')");
        }
        out.add(coding);
      }
    }
    return out;
  }

  /** Strips SP and HTAB only (OWS, RFC 9110 5.6.3): never other whitespace such as VT or FF. */
  private static String trimOws(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && HttpChars.isOws(s.charAt(b))) {
      b++;
    }
    while (e > b && HttpChars.isOws(s.charAt(e - 1))) {
      e--;
    }
    return s.substring(b, e);
  }
}
