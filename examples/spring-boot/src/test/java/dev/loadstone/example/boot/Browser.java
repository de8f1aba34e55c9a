package dev.loadstone.example.boot;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as far as these tests need one: a cookie jar (every cookie the server sets, sent back on every request;
 * one origin, so path and domain do not matter), no automatic redirects (each hop is asserted), form posts, and the
 * login and CSRF handling of Spring Security's pages read from their HTML as a user's browser would.
 */
final class Browser {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

  private final URI base;
  final Map<String, String> cookies = new LinkedHashMap<>();
  /** Requests sent, for the round-trip counts. */
  int requests;
  private String authorization;

  Browser(int port) {
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  /** A browser holding the same cookies as {@code other} (a copied cookie: an attacker, or a replay). */
  Browser copyOf(Browser other) {
    cookies.putAll(other.cookies);
    return this;
  }

  record Page(int status, String body, String location, String node, List<String> setCookies) {
    /** The path a redirect points to, without scheme and host. */
    String redirect() {
      if (location == null) {
        throw new AssertionError("not a redirect: " + status + " " + body);
      }
      URI uri = URI.create(location);
      return uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    }

    String csrf() {
      Matcher m = CSRF.matcher(body);
      if (!m.find()) {
        throw new AssertionError("no _csrf field in: " + body);
      }
      return m.group(1) != null ? m.group(1) : m.group(2);
    }
  }

  /** Sends HTTP basic credentials with every request (the actuator's administrator). */
  Browser basicAuth(String user, String password) {
    authorization = "Basic " + java.util.Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return this;
  }

  Page delete(String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  Page get(String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Page post(String path, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Asks for {@code /}, is sent to the login page, logs in with its CSRF token and lands back on {@code /}. */
  Page logIn(String user, String password) throws Exception {
    Page protectedPage = get("/");
    assertRedirect(protectedPage, "/login");
    Page login = get("/login");
    if (login.status() != 200) {
      throw new AssertionError("login page: " + login);
    }
    Page posted = post("/login", Map.of("username", user, "password", password, "_csrf", login.csrf()));
    assertRedirect(posted, "/?continue"); // the saved request (Spring Security marks it with ?continue)
    Page landed = get("/?continue");
    if (landed.status() != 200) {
      throw new AssertionError("after login: " + landed);
    }
    return landed;
  }

  static void assertRedirect(Page page, String path) {
    if (page.status() != 302 || !page.redirect().equals(path)) {
      throw new AssertionError("expected a redirect to " + path + ", got " + page.status() + " " + page.location()
          + " " + page.body());
    }
  }

  private Page send(HttpRequest.Builder request) throws Exception {
    if (!cookies.isEmpty()) {
      request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining("; ")));
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    request.header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"); // as a browser
    requests++;
    HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    List<String> setCookies = response.headers().allValues("Set-Cookie");
    for (String header : setCookies) {
      String pair = header.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).strip();
      String value = pair.substring(eq + 1).strip();
      boolean expired = header.toLowerCase().contains("max-age=0") || value.isEmpty();
      if (expired) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return new Page(response.statusCode(), response.body(), response.headers().firstValue("Location").orElse(null),
        response.headers().firstValue("X-Node").orElse(null), setCookies);
  }
}
