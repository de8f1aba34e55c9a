package dev.loadstone.session.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;

/** Writes the Set-Cookie header itself, so SameSite and Max-Age look the same in every container. */
final class SessionCookie {
  final String name;
  final String path; // null: the context path, or "/"
  final String domain;
  final Boolean secure; // null: when the request is secure
  final boolean httpOnly;
  final SameSite sameSite;
  final Duration maxAge; // null: a browser-session cookie

  SessionCookie(String name, String path, String domain, Boolean secure, boolean httpOnly, SameSite sameSite,
      Duration maxAge) {
    this.name = name;
    this.path = path;
    this.domain = domain;
    this.secure = secure;
    this.httpOnly = httpOnly;
    this.sameSite = sameSite;
    this.maxAge = maxAge;
  }

  String header(HttpServletRequest request, String value) {
    return format(request, value, maxAge);
  }

  /** A header that makes the browser forget the cookie. */
  String clearingHeader(HttpServletRequest request) {
    return format(request, "", Duration.ZERO);
  }

  private String format(HttpServletRequest request, String value, Duration age) {
    StringBuilder b = new StringBuilder(name.length() + value.length() + 96);
    b.append(name).append('=').append(value);
    b.append("; Path=").append(path != null ? path : defaultPath(request));
    if (domain != null) {
      b.append("; Domain=").append(domain);
    }
    if (age != null) {
      b.append("; Max-Age=").append(age.getSeconds());
      if (age.isZero()) {
        b.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
      }
    }
    if (secure != null ? secure : request.isSecure()) {
      b.append("; Secure");
    }
    if (httpOnly) {
      b.append("; HttpOnly");
    }
    if (sameSite.attribute() != null) {
      b.append("; SameSite=").append(sameSite.attribute());
    }
    return b.toString();
  }

  private static String defaultPath(HttpServletRequest request) {
    String context = request.getContextPath();
    return context == null || context.isEmpty() ? "/" : context;
  }

  static void checkName(String name) {
    if (name == null || name.isEmpty() || !name.chars().allMatch(SessionCookie::isTokenChar)) {
      throw new IllegalArgumentException("cookieName: '" + name + "' (expected: an RFC 6265 token, e.g. SESSION)");
    }
  }

  static void checkAttributeValue(String option, String value) {
    if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == ';')) {
      throw new IllegalArgumentException(option + ": '" + value + "' (expected: visible ASCII without ';')");
    }
  }

  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
