package dev.loadstone.session.servlet;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@link SessionIdResolver}s: cookie, header, and one of two. */
final class SessionIdResolvers {
  private SessionIdResolvers() {}

  /** Handles per request at most: a browser may send a stale cookie beside the current one. */
  private static final int MAX_HANDLES = 3;

  /** The session cookie, written by {@link SessionCookie} so SameSite and Max-Age look the same everywhere. */
  record CookieResolver(SessionCookie cookie) implements SessionIdResolver {
    @Override
    public List<String> resolve(HttpServletRequest request) {
      Cookie[] cookies = request.getCookies();
      if (cookies == null) {
        return List.of();
      }
      List<String> values = new ArrayList<>(1);
      for (Cookie c : cookies) {
        if (cookie.name.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty() && values.size() < MAX_HANDLES) {
          values.add(c.getValue());
        }
      }
      return values;
    }

    @Override
    public void send(HttpServletRequest request, HttpServletResponse response, String handle) {
      response.addHeader("Set-Cookie", cookie.header(request, handle));
    }

    @Override
    public void clear(HttpServletRequest request, HttpServletResponse response) {
      response.addHeader("Set-Cookie", cookie.clearingHeader(request));
    }

    @Override
    public Set<String> cookieNames() {
      return Set.of(cookie.name);
    }
  }

  record Header(String name) implements SessionIdResolver {
    @Override
    public List<String> resolve(HttpServletRequest request) {
      String value = request.getHeader(name);
      return value == null || value.isBlank() ? List.of() : List.of(value.strip());
    }

    @Override
    public void send(HttpServletRequest request, HttpServletResponse response, String handle) {
      response.setHeader(name, handle);
    }

    @Override
    public void clear(HttpServletRequest request, HttpServletResponse response) {
      response.setHeader(name, "");
    }

    @Override
    public Set<String> headerNames() {
      return Set.of(name);
    }
  }

  record FirstOf(SessionIdResolver first, SessionIdResolver second) implements SessionIdResolver {
    @Override
    public List<String> resolve(HttpServletRequest request) {
      List<String> handles = first.resolve(request);
      return handles.isEmpty() ? second.resolve(request) : handles;
    }

    @Override
    public void send(HttpServletRequest request, HttpServletResponse response, String handle) {
      boolean byFirst = !first.resolve(request).isEmpty();
      boolean bySecond = !byFirst && !second.resolve(request).isEmpty();
      if (!bySecond) {
        first.send(request, response, handle);
      }
      if (!byFirst) {
        second.send(request, response, handle);
      }
    }

    @Override
    public void clear(HttpServletRequest request, HttpServletResponse response) {
      if (!first.resolve(request).isEmpty()) {
        first.clear(request, response);
      } else {
        second.clear(request, response);
      }
    }

    @Override
    public Set<String> cookieNames() {
      Set<String> names = new HashSet<>(first.cookieNames());
      names.addAll(second.cookieNames());
      return names;
    }

    @Override
    public Set<String> headerNames() {
      Set<String> names = new HashSet<>(first.headerNames());
      names.addAll(second.headerNames());
      return names;
    }
  }
}
