package dev.loadstone.proxy.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Who may call the admin API. Web pages are the threat on a loopback admin (any page a user visits can send
 * requests to 127.0.0.1); the network is the threat elsewhere. So:
 *
 * <ul>
 *   <li>On a loopback address every request must name a loopback host ({@code localhost}, {@code 127.0.0.1},
 *       {@code [::1]}) in {@code Host}: a DNS-rebinding page, whose requests carry its own host name, is refused.
 *   <li>On any other address the server refuses to start without a token (see {@link AdminServer}), and every
 *       request, reads included, needs it: {@code Authorization: Bearer TOKEN}, or HTTP Basic with the token as
 *       the password so that a browser can open the status page.
 *   <li>A mutating call (POST, PUT, DELETE) is refused with 403 when {@code Origin} names another origin than
 *       the admin server's own (the scheme, host and port of its {@code Host}) or {@code Sec-Fetch-Site} says
 *       {@code cross-site} or {@code same-site}; then it needs the token when one is configured (401); then
 *       {@code Content-Type: application/json}, with or without a body (415). A cross-site page can send a
 *       JSON content type only after a CORS preflight, which this server never grants.
 * </ul>
 */
final class AdminGuard {
  static final String REALM = "loadstone-admin";
  private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private final boolean loopback;
  private volatile AdminToken token; // null: none configured

  AdminGuard(boolean loopback, AdminToken token) {
    this.loopback = loopback;
    this.token = token;
  }

  boolean hasToken() {
    return token != null;
  }

  /** Replaces the token (a reload of admin-token-file); null is refused on a non-loopback address. */
  void token(AdminToken t) {
    if (t == null && !loopback) {
      throw new IllegalStateException("admin: not a loopback address and no admin token (expected: an admin token)");
    }
    token = t;
  }

  /** Checks that apply to every request, reads included. */
  void request(HttpHeaders headers) {
    request(headers, false);
  }

  /**
   * Checks that apply to every request, reads included; a {@code probe} ({@code /healthz}, {@code /readyz},
   * which say only "ok" or "not ready") needs no token, so that a kubelet or load balancer can probe a
   * non-loopback admin address without holding the secret.
   */
  void request(HttpHeaders headers, boolean probe) {
    AdminToken token = this.token;
    String host = headers.get(HttpHeaderNames.HOST);
    if (loopback && host != null && !isLoopbackName(hostOf(host))) {
      throw new AdminApi.BadInput(HttpResponseStatus.FORBIDDEN, "Host", "Host: '" + host
          + "' (expected: localhost or a loopback address such as 127.0.0.1; the admin API listens on loopback only)");
    }
    if (!probe && !loopback && token != null && !token.matches(headers.get(HttpHeaderNames.AUTHORIZATION))) {
      throw new AdminApi.BadInput(HttpResponseStatus.UNAUTHORIZED, "Authorization",
          "Authorization: missing or wrong admin token (expected: 'Bearer <admin token>', or Basic with the token as"
              + " password; reads need it too on a non-loopback address)",
          HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    }
  }

  /** Checks of a POST, PUT or DELETE, in order: same origin (403), token (401), JSON content type (415). */
  void mutation(HttpHeaders headers) {
    AdminToken token = this.token;
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    String host = headers.get(HttpHeaderNames.HOST);
    if (origin != null && !sameOrigin(origin, host)) {
      throw new AdminApi.BadInput(HttpResponseStatus.FORBIDDEN, "Origin", "Origin: '" + origin
          + "' (expected: this admin server's own origin" + (host == null ? "" : ", http://" + host)
          + "; calls from other web pages are refused)");
    }
    String site = headers.get("Sec-Fetch-Site");
    if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
      throw new AdminApi.BadInput(HttpResponseStatus.FORBIDDEN, "Sec-Fetch-Site",
          "Sec-Fetch-Site: " + site + " (expected: same-origin or none; calls from other web pages are refused)");
    }
    if (token != null && !token.matches(headers.get(HttpHeaderNames.AUTHORIZATION))) {
      throw new AdminApi.BadInput(HttpResponseStatus.UNAUTHORIZED, "Authorization",
          "Authorization: missing or wrong bearer token (expected: 'Bearer <admin token>')",
          HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Bearer realm=\"" + REALM + "\"");
    }
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null || !mediaType(type).equals("application/json")) {
      throw new AdminApi.BadInput(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type",
          "Content-Type: " + (type == null ? "missing" : "'" + type + "'")
              + " (expected: application/json, also for calls without a body)",
          HttpHeaderNames.ACCEPT.toString(), "application/json");
    }
  }

  private static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /** RFC 6454: the same scheme, host and port; the port of a Host without one is the scheme's default. */
  static boolean sameOrigin(String origin, String host) {
    if (host == null || origin.equals("null")) {
      return false;
    }
    try {
      URI o = new URI(origin);
      URI h = new URI(o.getScheme(), host, null, null, null).parseServerAuthority();
      String scheme = o.getScheme() == null ? "" : o.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || o.getHost() == null || h.getHost() == null
          || o.getRawPath() != null && !o.getRawPath().isEmpty()) {
        return false;
      }
      int defaultPort = scheme.equals("https") ? 443 : 80;
      int oPort = o.getPort() < 0 ? defaultPort : o.getPort();
      int hPort = h.getPort() < 0 ? defaultPort : h.getPort();
      return o.getHost().equalsIgnoreCase(h.getHost()) && oPort == hPort;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The host part of a Host header value: {@code [::1]:9090} gives {@code [::1]}, {@code localhost:9090} gives {@code localhost}. */
  static String hostOf(String hostHeader) {
    String h = hostHeader.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  /** {@code localhost}, a name under {@code .localhost} (RFC 6761), or a loopback IP literal; never a DNS lookup. */
  static boolean isLoopbackName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    java.util.regex.Matcher v4 = IPV4.matcher(h);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          return false;
        }
      }
      return v4.group(1).equals("127");
    }
    if (!h.startsWith("[") || !h.endsWith("]") || !h.chars().allMatch(c -> "[]:.".indexOf(c) >= 0 || Character.digit(c, 16) >= 0)) {
      return false;
    }
    try {
      return InetAddress.getByName(h.substring(1, h.length() - 1)).isLoopbackAddress(); // an IPv6 literal: parsed, never resolved
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
