package dev.loadstone.session.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request the application sees: its sessions come from the store, not from the container, and the session
 * handle (cookie or header) is not visible: nothing in the application (a framework saving the request to replay
 * it after login, say) can copy it into the session, where a token store's cookie would snowball.
 */
final class SessionRequest extends HttpServletRequestWrapper {
  private final RequestSessions sessions;
  private final Set<String> hiddenCookies;
  private final Set<String> hiddenHeaders;

  SessionRequest(HttpServletRequest request, RequestSessions sessions) {
    super(request);
    this.sessions = sessions;
    this.hiddenCookies = sessions.settings.resolver.cookieNames();
    Set<String> headers = new java.util.HashSet<>();
    for (String h : sessions.settings.resolver.headerNames()) {
      headers.add(h.toLowerCase(Locale.ROOT));
    }
    this.hiddenHeaders = headers;
  }

  @Override
  public HttpSession getSession(boolean create) {
    return sessions.session(create);
  }

  @Override
  public HttpSession getSession() {
    return sessions.session(true);
  }

  @Override
  public String changeSessionId() {
    return sessions.changeId();
  }

  @Override
  public String getRequestedSessionId() {
    return sessions.requestedSessionId();
  }

  @Override
  public boolean isRequestedSessionIdValid() {
    return sessions.requestedSessionIdValid();
  }

  @Override
  public boolean isRequestedSessionIdFromCookie() {
    Cookie[] raw = super.getCookies();
    return sessions.presentedHandle() && raw != null
        && java.util.Arrays.stream(raw).anyMatch(c -> hiddenCookies.contains(c.getName()));
  }

  @Override
  public boolean isRequestedSessionIdFromURL() {
    return false;
  }

  /** The async context keeps these wrappers, so the async thread and the async dispatch see the same session. */
  @Override
  public AsyncContext startAsync() {
    ServletResponse wrapped = sessions.responseWrapper();
    return super.startAsync(this, wrapped != null ? wrapped : sessions.containerResponse());
  }

  @Override
  public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
    return super.startAsync(request, response);
  }

  @Override
  public Cookie[] getCookies() {
    Cookie[] cookies = super.getCookies();
    if (cookies == null || hiddenCookies.isEmpty()) {
      return cookies;
    }
    List<Cookie> visible = new ArrayList<>(cookies.length);
    for (Cookie c : cookies) {
      if (!hiddenCookies.contains(c.getName())) {
        visible.add(c);
      }
    }
    return visible.size() == cookies.length ? cookies : visible.isEmpty() ? null : visible.toArray(new Cookie[0]);
  }

  @Override
  public String getHeader(String name) {
    if (hidden(name)) {
      return null;
    }
    String value = super.getHeader(name);
    return value != null && "cookie".equalsIgnoreCase(name) ? withoutHiddenCookies(value) : value;
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (hidden(name)) {
      return Collections.emptyEnumeration();
    }
    Enumeration<String> values = super.getHeaders(name);
    if (values == null || !"cookie".equalsIgnoreCase(name) || hiddenCookies.isEmpty()) {
      return values;
    }
    List<String> visible = new ArrayList<>();
    for (String v : Collections.list(values)) {
      String kept = withoutHiddenCookies(v);
      if (kept != null) {
        visible.add(kept);
      }
    }
    return Collections.enumeration(visible);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    Enumeration<String> names = super.getHeaderNames();
    if (names == null || hiddenHeaders.isEmpty()) {
      return names;
    }
    List<String> visible = new ArrayList<>();
    for (String n : Collections.list(names)) {
      if (!hidden(n)) {
        visible.add(n);
      }
    }
    return Collections.enumeration(visible);
  }

  private boolean hidden(String header) {
    return header != null && hiddenHeaders.contains(header.toLowerCase(Locale.ROOT));
  }

  /** A Cookie header without the session cookie's pairs, or null when nothing else is left. */
  private String withoutHiddenCookies(String header) {
    if (hiddenCookies.isEmpty()) {
      return header;
    }
    StringBuilder kept = new StringBuilder(header.length());
    for (String pair : header.split(";")) {
      String p = pair.strip();
      int eq = p.indexOf('=');
      String name = eq < 0 ? p : p.substring(0, eq).strip();
      if (!p.isEmpty() && !hiddenCookies.contains(name)) {
        if (kept.length() > 0) {
          kept.append("; ");
        }
        kept.append(p);
      }
    }
    return kept.length() == 0 ? null : kept.toString();
  }
}
