package dev.loadstone.session.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where a client keeps its session handle: a cookie (browsers), a header such as {@code X-Auth-Token} (API and
 * mobile clients, which send it back themselves; the Spring Session header resolver's convention), or both. The
 * filter hides what it reads from the application ({@link #cookieNames()}, {@link #headerNames()}), so a
 * framework that copies the request (a saved request) never copies a session handle into the session.
 */
public interface SessionIdResolver {
  /** The handles the client presented, preferred first (at most a few). */
  List<String> resolve(HttpServletRequest request);

  /** Gives the client its new handle. */
  void send(HttpServletRequest request, HttpServletResponse response, String handle);

  /** Tells the client to forget its handle (the session was invalidated). */
  void clear(HttpServletRequest request, HttpServletResponse response);

  /** Cookies that carry the handle. */
  default Set<String> cookieNames() {
    return Set.of();
  }

  /** Headers that carry the handle. */
  default Set<String> headerNames() {
    return Set.of();
  }

  /**
   * The handle in header {@code name}, sent back in the same header when it changes and as an empty value when
   * the session ends. Never set by a browser on its own, so it cannot be planted by a cross-site request.
   */
  static SessionIdResolver header(String name) {
    SessionCookie.checkName(name);
    return new SessionIdResolvers.Header(name);
  }

  /**
   * A client that sends the handle in {@code first}'s place is answered there; one that sends it in {@code
   * second}'s, there; a client that sends neither gets a new handle from both (an API client reads the header, a
   * browser keeps the cookie).
   */
  static SessionIdResolver firstOf(SessionIdResolver first, SessionIdResolver second) {
    return new SessionIdResolvers.FirstOf(Objects.requireNonNull(first, "first"), Objects.requireNonNull(second, "second"));
  }
}
