package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request-target forms and Host (RFC 9112 3.2) as tables. */
class RequestTargetTest {

  @ParameterizedTest(name = "Host ''{0}'' -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "corpus.test;           valid",
        "corpus.test:8080;      valid",
        "corpus.test:;          valid",
        "127.0.0.1:80;          valid",
        "[::1];                 valid",
        "[2001:db8::1]:443;     valid",
        "a-b_c~d.e;             valid",
        "h%41st;                valid",
        "user@host;             invalid",
        "a b;                   invalid",
        "'a, b';                invalid",
        "a,b;                   invalid",
        "host/path;             invalid",
        "host:abc;              invalid",
        "host:65536;            invalid",
        "host:123456;           invalid",
        ":80;                   invalid",
        "h%zzst;                invalid",
        "h%4;                   invalid",
        "[::1;                  invalid",
        "[fe80::zz];            invalid",
        "[::1]x;                invalid",
        "ho\"st;                invalid",
        "host?x;                invalid",
        "host#x;                invalid",
      })
  void hostValues(String host, String expected) {
    assertThat(RequestTarget.hostProblem(host) == null ? "valid" : "invalid").as(RequestTarget.hostProblem(host)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} {1} Host: {2} -> {3} / {4}")
  @CsvSource(
      delimiter = ';',
      nullValues = "-",
      value = {
        "GET;     /a?b=c;                 x.test;  /a?b=c;     x.test",
        "OPTIONS; *;                      x.test;  *;          x.test",
        "GET;     http://a.test/p?q;      b.test;  /p?q;       a.test",
        "GET;     http://a.test;          b.test;  /;          a.test",
        "GET;     http://a.test?q;        b.test;  /?q;        a.test",
        "GET;     HTTPS://A.test:8443/x;  b.test;  /x;         A.test:8443",
        "GET;     *;                      x.test;  400;        -",
        "POST;    *;                      x.test;  400;        -",
        "GET;     x.test:80;              x.test;  400;        -",
        "GET;     x.test;                 x.test;  400;        -",
        "GET;     http://u@a.test/;       a.test;  400;        -",
        "GET;     http://u:p@a.test/;     a.test;  400;        -",
        "GET;     ftp://a.test/;          a.test;  400;        -",
        "GET;     http:///x;              a.test;  400;        -",
        "GET;     http://a.test:x/;       a.test;  400;        -",
        "GET;     /a#b;                   x.test;  400;        -",
        "GET;     http://a.test/#b;       x.test;  400;        -",
        "GET;     /a;                     a b;     400;        -",
      })
  void targets(String method, String target, String host, String forwarded, String forwardedHost) {
    HttpHeaders h = new DefaultHttpHeaders().add("Host", host);
    String outcome;
    try {
      outcome = RequestTarget.resolve(HttpMethod.valueOf(method), target, HttpVersion.HTTP_1_1, h);
    } catch (Rejection r) {
      outcome = Integer.toString(r.status());
    }
    assertThat(outcome).isEqualTo(forwarded);
    if (forwardedHost != null) {
      assertThat(h.getAll("host")).containsExactly(forwardedHost);
    }
  }

  @ParameterizedTest(name = "{0} with {1} Host headers -> {2}")
  @CsvSource({"HTTP/1.1, 0, 400", "HTTP/1.1, 1, ok", "HTTP/1.1, 2, 400", "HTTP/1.0, 0, ok", "HTTP/1.0, 1, ok", "HTTP/1.0, 2, 400"})
  void hostCount(String version, int hosts, String expected) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < hosts; i++) {
      h.add("Host", "h" + i + ".test");
    }
    String outcome;
    try {
      RequestTarget.resolve(HttpMethod.GET, "/", HttpVersion.valueOf(version), h);
      outcome = "ok";
    } catch (Rejection r) {
      outcome = Integer.toString(r.status());
    }
    assertThat(outcome).isEqualTo(expected);
  }
}
