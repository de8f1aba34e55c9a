package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * One header or trailer line, parsed strictly (RFC 9112 5 and 5.2, RFC 9110 5.5): {@code field-name ":" OWS
 * field-value OWS}, where the name is a token with nothing between it and the colon and the value holds no
 * control character. The same rules apply to requests, responses and trailers, so what the proxy forwards is
 * what it understood. Everything a lenient parser would repair is refused instead: obs-fold, whitespace or
 * another non-token byte in the name, NUL, bare CR, DEL.
 */
final class FieldLines {
  private FieldLines() {}

  /**
   * Adds the field line {@code a[0..len)} (without its CRLF, never empty) to {@code into}; returns null, or
   * what is wrong with it.
   */
  static String parse(byte[] a, int len, HttpHeaders into) {
    if (HttpChars.isOws(a[0])) {
      return "obs-fold (a header line starting with whitespace) is not allowed";
    }
    int colon = 0;
    boolean underscore = false;
    while (colon < len && HttpChars.isTchar(a[colon])) {
      underscore |= a[colon] == '_';
      colon++;
    }
    if (colon == len) {
      return "a header line without a colon: '" + printable(a, len) + "'";
    }
    if (a[colon] != ':') {
      return HttpChars.isOws(a[colon])
          ? "whitespace in or after the header name '" + printable(a, colon) + "'"
          : "the byte " + HttpChars.show(a[colon]) + " in a header name";
    }
    if (colon == 0) {
      return "a header line with an empty name";
    }
    AsciiString name = KnownNames.of(a, colon);
    if (underscore) {
      String alias = framingAlias(name);
      if (alias != null) {
        return "the header name '" + name + "' (servers that read '_' as '-' would take it for " + alias + ")";
      }
    }
    int vs = colon + 1;
    while (vs < len && HttpChars.isOws(a[vs])) {
      vs++;
    }
    int ve = len;
    while (ve > vs && HttpChars.isOws(a[ve - 1])) {
      ve--;
    }
    for (int i = vs; i < ve; i++) {
      if (!HttpChars.isFieldContent(a[i])) {
        return "the byte " + HttpChars.show(a[i]) + " in the value of header '" + name + "'";
      }
    }
    // Bytes, not Strings: the encoder copies an AsciiString as one array, and most values are never read as text.
    into.add(name, new AsciiString(a, vs, ve - vs, true));
    return null;
  }

  /** The framing or routing header {@code name} becomes when '_' is read as '-' (CGI does), or null. */
  private static String framingAlias(AsciiString name) {
    String dashed = name.toString().replace('_', '-');
    for (String h : new String[] {"Content-Length", "Transfer-Encoding", "Host"}) {
      if (h.equalsIgnoreCase(dashed)) {
        return h;
      }
    }
    return null;
  }

  static String printable(byte[] a, int len) {
    return printable(a, 0, len);
  }

  /** At most 64 bytes of {@code a[off..off+len)}, non-printable bytes as {@code \xNN}, for error messages. */
  static String printable(byte[] a, int off, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = off; i < off + Math.min(len, 64); i++) {
      int c = a[i] & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return len > 64 ? sb + "..." : sb.toString();
  }
}
