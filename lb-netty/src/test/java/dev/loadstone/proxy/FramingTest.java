package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The framing decision of RFC 9112 6.3 as a table: headers in, NONE / LENGTH n / CHUNKED / CLOSE or a status out. */
class FramingTest {

  /** {@code lines} are header lines separated by '|'. */
  private static HttpHeaders headers(String lines) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (lines != null) {
      for (String line : lines.split("\\|")) {
        int colon = line.indexOf(':');
        h.add(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return h;
  }

  private static String outcome(ThrowingSupplier s) {
    try {
      Framing f = s.get();
      return f.kind() == Framing.Kind.LENGTH ? "LENGTH " + f.length() : f.kind().name();
    } catch (Rejection r) {
      return Integer.toString(r.status());
    }
  }

  private interface ThrowingSupplier {
    Framing get() throws Rejection;
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = ';',
      nullValues = "-",
      value = {
        "HTTP/1.1; -;                                                   NONE",
        "HTTP/1.1; Content-Length: 5;                                   LENGTH 5",
        "HTTP/1.1; Content-Length: 0;                                   LENGTH 0",
        "HTTP/1.1; Content-Length: 007;                                 LENGTH 7",
        "HTTP/1.0; Content-Length: 5;                                   LENGTH 5",
        "HTTP/1.1; Content-Length: 5|Content-Length: 5;                 400",
        "HTTP/1.1; Content-Length: 5, 5;                                400",
        "HTTP/1.1; Content-Length: +5;                                  400",
        "HTTP/1.1; Content-Length: -1;                                  400",
        "HTTP/1.1; Content-Length: 0x5;                                 400",
        "HTTP/1.1; Content-Length: ;                                    400",
        "HTTP/1.1; Content-Length: 1234567890123456789;                 400",
        "HTTP/1.1; Transfer-Encoding: chunked;                          CHUNKED",
        "HTTP/1.1; Transfer-Encoding: Chunked;                          CHUNKED",
        "HTTP/1.1; Transfer-Encoding: , chunked,;                       CHUNKED",
        "HTTP/1.1; Transfer-Encoding: gzip, chunked;                    501",
        "HTTP/1.1; Transfer-Encoding: gzip|Transfer-Encoding: chunked;  501",
        "HTTP/1.1; Transfer-Encoding: identity, chunked;                501",
        "HTTP/1.1; Transfer-Encoding: chunked, gzip;                    400",
        "HTTP/1.1; Transfer-Encoding: chunked|Transfer-Encoding: gzip;  400",
        "HTTP/1.1; Transfer-Encoding: gzip;                             400",
        "HTTP/1.1; Transfer-Encoding: xchunked;                         400",
        "HTTP/1.1; Transfer-Encoding: chunked, chunked;                 400",
        "HTTP/1.1; Transfer-Encoding: chunked|Transfer-Encoding: chunked; 400",
        "HTTP/1.1; 'Transfer-Encoding: chunked;q=1';                    400",
        "HTTP/1.1; Transfer-Encoding: \"chunked\";                      400",
        "HTTP/1.1; Transfer-Encoding: ;                                 400",
        "HTTP/1.1; Transfer-Encoding: chunked|Content-Length: 5;        400",
        "HTTP/1.1; Content-Length: 5|Transfer-Encoding: chunked;        400",
        "HTTP/1.0; Transfer-Encoding: chunked;                          400",
      })
  void requestFraming(String version, String lines, String expected) {
    HttpVersion v = HttpVersion.valueOf(version);
    assertThat(outcome(() -> Framing.ofRequest(v, headers(lines)))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} {1} {2} {3} -> {4}")
  @CsvSource(
      delimiter = ';',
      nullValues = "-",
      value = {
        "GET;  200; HTTP/1.1; -;                                        CLOSE",
        "GET;  200; HTTP/1.1; Content-Length: 5;                        LENGTH 5",
        "GET;  200; HTTP/1.1; Transfer-Encoding: chunked;               CHUNKED",
        "HEAD; 200; HTTP/1.1; Content-Length: 5;                        NONE",
        "HEAD; 200; HTTP/1.1; Transfer-Encoding: chunked;               NONE",
        "GET;  204; HTTP/1.1; Content-Length: 5;                        NONE",
        "GET;  304; HTTP/1.1; Content-Length: 5;                        NONE",
        "GET;  101; HTTP/1.1; -;                                        NONE",
        "-;    200; HTTP/1.1; Content-Length: 2;                        LENGTH 2",
        "GET;  200; HTTP/1.1; Content-Length: 2|Content-Length: 3;      502",
        "GET;  200; HTTP/1.1; Content-Length: 2|Transfer-Encoding: chunked; 502",
        "GET;  200; HTTP/1.1; Transfer-Encoding: gzip;                  502",
        "GET;  200; HTTP/1.1; Transfer-Encoding: gzip, chunked;         502",
        "GET;  200; HTTP/1.0; Transfer-Encoding: chunked;               502",
        "GET;  200; HTTP/1.1; Content-Length: 2x;                       502",
      })
  void responseFraming(String method, int status, String version, String lines, String expected) {
    HttpMethod m = method == null ? null : HttpMethod.valueOf(method);
    HttpVersion v = HttpVersion.valueOf(version);
    assertThat(outcome(() -> Framing.ofResponse(m, status, v, headers(lines)))).isEqualTo(expected);
  }
}
