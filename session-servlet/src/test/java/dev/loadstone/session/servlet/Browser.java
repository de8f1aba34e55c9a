package dev.loadstone.session.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** A client with a one-cookie jar: sends the session cookie it holds, takes the ones it is given. */
final class Browser {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final int port;
  private final String cookieName;
  String cookie; // the value held, or null
  /** Another cookie sent alongside (name=value), or null. */
  String otherCookie;
  /** Sent as {@code X-Auth-Token} when set; replaced by the response's X-Auth-Token. */
  String authToken;

  int port() {
    return port;
  }

  Browser(int port, String cookieName) {
    this.port = port;
    this.cookieName = cookieName;
  }

  /** A GET; takes a Set-Cookie for the session cookie (an expired one empties the jar). */
  Reply get(String path) throws Exception {
    return send("GET", path);
  }

  /** A POST with an empty body. */
  Reply post(String path) throws Exception {
    return send("POST", path);
  }

  private Reply send(String method, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(20));
    String sent = cookie != null ? cookieName + "=" + cookie : null;
    if (otherCookie != null) {
      sent = sent == null ? otherCookie : otherCookie + "; " + sent;
    }
    if (sent != null) {
      request.header("Cookie", sent);
    }
    if (authToken != null) {
      request.header("X-Auth-Token", authToken);
    }
    HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    List<String> setCookies = response.headers().allValues("Set-Cookie").stream()
        .filter(h -> h.startsWith(cookieName + "="))
        .toList();
    for (String header : setCookies) {
      String value = header.substring(cookieName.length() + 1, header.indexOf(';') < 0 ? header.length()
          : header.indexOf(';'));
      cookie = header.contains("Max-Age=0") ? null : value;
    }
    String token = response.headers().firstValue("X-Auth-Token").orElse(null);
    if (token != null) {
      authToken = token.isEmpty() ? null : token;
    }
    return new Reply(response.statusCode(), response.body(), setCookies, response.headers().firstValue("Retry-After")
        .orElse(null), response.headers().firstValue("Location").orElse(null),
        response.headers().allValues("Set-Cookie"), token);
  }

  /** {@code setCookies}: the session cookie's headers; {@code allSetCookies}: every Set-Cookie (JSESSIONID too). */
  record Reply(int status, String body, List<String> setCookies, String retryAfter, String location,
      List<String> allSetCookies, String authTokenHeader) {
    /** The session cookie's value, when exactly one was sent. */
    String cookie() {
      String header = setCookie();
      return header.substring(header.indexOf('=') + 1, header.indexOf(';') < 0 ? header.length() : header.indexOf(';'));
    }

    /** The session cookie header, when exactly one was sent. */
    String setCookie() {
      if (setCookies.size() != 1) {
        throw new AssertionError("expected one session Set-Cookie, got " + setCookies);
      }
      return setCookies.get(0);
    }
  }
}
