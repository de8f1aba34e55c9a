package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStoreUnavailableException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** The answers the filter gives itself when the store fails, and how it finds a store failure in an exception. */
final class Responses {
  private Responses() {}

  /** Methods a client may repeat (RFC 9110 section 9.2.2): a 503 with Retry-After is an honest answer for them. */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  static boolean idempotent(String method) {
    return method != null && IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT));
  }

  /** 503, Retry-After: the application did not run (or failed on the store), so a retry is safe. */
  static void unavailable(HttpServletResponse response, Duration retryAfter) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setHeader("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
    body(response, "Session store unavailable; please retry shortly.\n");
  }

  /**
   * 500 without Retry-After: a non-idempotent request ran (its effects are done) but its session changes could
   * not be saved; a 503 would invite the client to send it again.
   */
  static void notSaved(HttpServletResponse response) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    body(response, "The request was processed, but its session could not be saved.\n");
  }

  private static void body(HttpServletResponse response, String text) throws IOException {
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("text/plain;charset=utf-8");
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }

  /** The store failure behind {@code e}, however a framework wrapped it (ServletException, NestedServletException...). */
  static SessionStoreUnavailableException storeFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SessionStoreUnavailableException s) {
        return s;
      }
    }
    return null;
  }
}
