package dev.loadstone.proxy;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * The byte classes the HTTP/1.1 grammar is written in: {@code tchar} (RFC 9110 5.6.2), field content
 * ({@code field-vchar}, {@code obs-text}, SP and HTAB: RFC 9110 5.5) and the characters of a host name
 * (RFC 3986 3.2.2 {@code reg-name}). One table lookup per byte, as HAProxy's and llhttp's parsers do.
 */
final class HttpChars {
  private static final int TCHAR = 1;
  private static final int FIELD = 2;
  private static final int HOST = 4;
  private static final int HEX = 8;
  private static final byte[] CLASS = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      int k = 0;
      if (alnum || (c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
        k |= TCHAR;
      }
      if ((c >= 0x21 && c <= 0x7e) || c >= 0x80 || c == ' ' || c == '\t') {
        k |= FIELD;
      }
      // reg-name = *( unreserved / pct-encoded / sub-delims ), without ',' (see RequestTarget).
      if (alnum || (c < 0x80 && "-._~%!$&'()*+;=".indexOf(c) >= 0)) {
        k |= HOST;
      }
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        k |= HEX;
      }
      CLASS[c] = (byte) k;
    }
  }

  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[1024];
        }
      };

  private HttpChars() {}

  static boolean isTchar(int b) {
    return (CLASS[b & 0xff] & TCHAR) != 0;
  }

  /** A byte allowed inside a field value: VCHAR, obs-text, SP or HTAB (so not NUL, CR, LF, DEL or another control). */
  static boolean isFieldContent(int b) {
    return (CLASS[b & 0xff] & FIELD) != 0;
  }

  static boolean isHostChar(int b) {
    return (CLASS[b & 0xff] & HOST) != 0;
  }

  static boolean isHex(int b) {
    return (CLASS[b & 0xff] & HEX) != 0;
  }

  static boolean isOws(int b) {
    return b == ' ' || b == '\t';
  }

  static boolean isDigit(int b) {
    return b >= '0' && b <= '9';
  }

  /** The byte as it appears in an error message: the character if printable, else {@code 0xNN}. */
  static String show(int b) {
    int c = b & 0xff;
    return c > 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
  }

  /**
   * A per-thread array of at least {@code n} bytes for parsing one line (each event loop parses one line at
   * a time), so a connection keeps no line buffer of its own.
   */
  static byte[] scratch(int n) {
    byte[] a = SCRATCH.get();
    if (a.length < n) {
      a = new byte[Math.max(n, a.length * 2)];
      SCRATCH.set(a);
    }
    return a;
  }
}
