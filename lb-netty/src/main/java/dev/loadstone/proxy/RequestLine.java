package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * {@code method SP request-target SP HTTP-version} (RFC 9112 3), parsed strictly: one SP between the parts,
 * a method that is a token, a target of visible ASCII, and a version that is exactly {@code HTTP/1.0} or
 * {@code HTTP/1.1} (case-sensitive; a higher 1.x minor is read as 1.1 per RFC 9110 2.5, another major gets
 * 505).
 */
record RequestLine(HttpMethod method, String target, HttpVersion version) {

  static RequestLine parse(byte[] a, int len) throws Rejection {
    int m = 0;
    while (m < len && HttpChars.isTchar(a[m])) {
      m++;
    }
    if (m == 0 || m == len || a[m] != ' ') {
      throw malformed(a, len, m == 0 ? "no method token" : m == len ? "no request target" : "the byte " + HttpChars.show(a[m]) + " after the method");
    }
    int t = m + 1;
    while (t < len && a[t] > 0x20 && a[t] < 0x7f) {
      t++;
    }
    if (t == m + 1) {
      throw malformed(a, len, "an empty request target (or more than one space)");
    }
    if (t == len || a[t] != ' ') {
      int c = t == len ? ' ' : a[t] & 0xff;
      throw t == len
          ? malformed(a, len, "no HTTP version")
          : new Rejection(400, "the request target contains the control or non-ASCII character 0x" + Integer.toHexString(c));
    }
    HttpVersion version = version(a, t + 1, len);
    String method = new String(a, 0, m, StandardCharsets.ISO_8859_1);
    String target = new String(a, m + 1, t - m - 1, StandardCharsets.ISO_8859_1);
    return new RequestLine(HttpMethod.valueOf(method), target, version);
  }

  private static HttpVersion version(byte[] a, int from, int len) throws Rejection {
    boolean shape =
        len - from == 8
            && a[from] == 'H' && a[from + 1] == 'T' && a[from + 2] == 'T' && a[from + 3] == 'P' && a[from + 4] == '/'
            && HttpChars.isDigit(a[from + 5]) && a[from + 6] == '.' && HttpChars.isDigit(a[from + 7]);
    String text = new String(a, from, len - from, StandardCharsets.ISO_8859_1);
    if (!shape) {
      throw new Rejection(400, "invalid HTTP version '" + FieldLines.printable(a, from, len - from) + "' (expected: HTTP/1.1 or HTTP/1.0, case-sensitive)");
    }
    if (a[from + 5] != '1') {
      throw new Rejection(505, "HTTP version " + text + " is not supported (expected: HTTP/1.1 or HTTP/1.0)");
    }
    return a[from + 7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
  }

  private static Rejection malformed(byte[] a, int len, String what) {
    return new Rejection(400, "malformed request line '" + FieldLines.printable(a, len) + "': " + what);
  }
}
