package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;
import java.util.List;

/**
 * The request-target forms of RFC 9112 3.2 and the Host rules of RFC 9112 3.2 / RFC 9110 7.2, as one decision:
 * what the proxy forwards as the target, and the single Host it sends.
 *
 * <ul>
 *   <li>origin-form {@code /path?query}: forwarded as is (no fragment: {@code #} is refused);
 *   <li>absolute-form {@code http://authority/path}: forwarded in origin-form, and its authority replaces the
 *       Host header (RFC 9112 3.2.2); userinfo and schemes other than http/https are refused;
 *   <li>asterisk-form {@code *}: with OPTIONS only; authority-form: with CONNECT only (which the proxy refuses
 *       with 405 before this step);
 *   <li>Host: exactly one in HTTP/1.1, at most one in HTTP/1.0, and its value {@code uri-host [":" port]}
 *       (RFC 3986 3.2.2), else 400 (RFC 9112 3.2 "MUST"). A comma is refused too, although RFC 3986 allows it
 *       in a reg-name: a Host with a comma would turn X-Forwarded-Host and Forwarded's host into lists.
 * </ul>
 */
final class RequestTarget {
  private RequestTarget() {}

  /** The target to forward; {@code h}'s Host is left as the one valid authority of the request (or absent in HTTP/1.0). */
  static String resolve(HttpMethod method, String target, HttpVersion version, HttpHeaders h) throws Rejection {
    List<String> hosts = h.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      throw new Rejection(400, "more than one Host header");
    }
    if (hosts.isEmpty() && version == HttpVersion.HTTP_1_1) {
      throw new Rejection(400, "an HTTP/1.1 request must have a Host header");
    }
    if (!hosts.isEmpty()) {
      String problem = hostProblem(hosts.get(0));
      if (problem != null) {
        throw new Rejection(400, "invalid Host header '" + hosts.get(0) + "': " + problem);
      }
    }
    if (target.charAt(0) == '/') {
      return noFragment(target);
    }
    if (target.equals("*")) {
      if (HttpMethod.OPTIONS.equals(method)) {
        return target;
      }
      throw new Rejection(400, "the request target '*' is only allowed with OPTIONS, not " + method);
    }
    int authorityStart = schemeLength(target);
    if (authorityStart > 0) {
      return absoluteForm(target, authorityStart, h);
    }
    if (hostProblem(target) == null) {
      throw new Rejection(400, "the authority-form request target '" + target + "' is only allowed with CONNECT, not " + method);
    }
    throw new Rejection(400, "invalid request target '" + target + "' (expected: /path, an http(s) URI, or * with OPTIONS)");
  }

  private static String absoluteForm(String target, int authorityStart, HttpHeaders h) throws Rejection {
    noFragment(target);
    int end = authorityStart;
    while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
      end++;
    }
    String authority = target.substring(authorityStart, end);
    if (authority.indexOf('@') >= 0) {
      throw new Rejection(400, "the request target '" + target + "' has userinfo, which is not allowed (RFC 9110 4.2.4)");
    }
    String problem = hostProblem(authority);
    if (problem != null) {
      throw new Rejection(400, "invalid authority '" + authority + "' in the request target: " + problem);
    }
    h.set(HttpHeaderNames.HOST, authority);
    String rest = target.substring(end);
    return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
  }

  private static String noFragment(String target) throws Rejection {
    if (target.indexOf('#') >= 0) {
      throw new Rejection(400, "the request target '" + target + "' has a fragment ('#'), which is never sent in a request");
    }
    return target;
  }

  /** The length of {@code http://} or {@code https://} (scheme case-insensitive) at the start of {@code t}, or 0. */
  private static int schemeLength(String t) {
    if (t.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    return t.regionMatches(true, 0, "https://", 0, 8) ? 8 : 0;
  }

  /** Null when {@code v} is {@code uri-host [":" port]} (RFC 3986 3.2.2, 3.2.3), else what is wrong with it. */
  static String hostProblem(String v) {
    if (v.isEmpty()) {
      return "empty (expected: host[:port])";
    }
    String port;
    if (v.charAt(0) == '[') {
      int close = v.indexOf(']');
      if (close < 0 || !NetUtil.isValidIpV6Address(v.substring(1, close))) {
        return "not a valid IPv6 literal";
      }
      String rest = v.substring(close + 1);
      if (!rest.isEmpty() && rest.charAt(0) != ':') {
        return "unexpected characters after the IPv6 literal";
      }
      port = rest.isEmpty() ? null : rest.substring(1);
    } else {
      int colon = v.indexOf(':');
      int hostEnd = colon < 0 ? v.length() : colon;
      if (hostEnd == 0) {
        return "empty host name";
      }
      for (int i = 0; i < hostEnd; i++) {
        char c = v.charAt(i);
        if (c == '%') {
          if (i + 2 >= hostEnd || !HttpChars.isHex(v.charAt(i + 1)) || !HttpChars.isHex(v.charAt(i + 2))) {
            return "'%' not followed by two hex digits";
          }
        } else if (c >= 0x80 || !HttpChars.isHostChar(c)) {
          return (c == '@' ? "userinfo ('@') " : "the character " + HttpChars.show(c) + " ") + "is not allowed in a host name";
        }
      }
      port = colon < 0 ? null : v.substring(colon + 1);
    }
    if (port != null) {
      boolean digits = port.length() <= 5 && port.chars().allMatch(HttpChars::isDigit);
      if (!digits || (!port.isEmpty() && Integer.parseInt(port) > 65535)) {
        return "invalid port '" + port + "' (expected: 0..65535)";
      }
    }
    return null;
  }
}
