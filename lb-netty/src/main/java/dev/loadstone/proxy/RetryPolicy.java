package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Whether a failed attempt is tried again on another backend: a pure function of what failed, how far the
 * attempt got, the method and the attempts made (the retry state of Envoy's router, reduced to what a proxy
 * without request buffering can do safely).
 *
 * <ul>
 *   <li>Nothing of the request reached the backend (connect refused or timed out, a pooled connection found
 *       closed when writing the head): retry, whatever the method.
 *   <li>The head was sent but no body byte: retry only an idempotent method (RFC 9110 9.2.2), and never after a
 *       response timeout (the backend may still be working on it).
 *   <li>Body bytes were sent: never (they cannot be sent again).
 *   <li>The response had started: the client connection is closed (the response cannot be replaced).
 *   <li>At most {@code maxAttempts} attempts in all.
 * </ul>
 */
final class RetryPolicy {
  enum Progress { NOTHING_SENT, HEAD_SENT, BODY_SENT, RESPONSE_STARTED }

  enum Decision { RETRY, ANSWER_ERROR, CLOSE_CLIENT }

  private RetryPolicy() {}

  static Decision decide(FailureCause cause, Progress progress, HttpMethod method, int attempts, int maxAttempts) {
    if (progress == Progress.RESPONSE_STARTED) {
      return Decision.CLOSE_CLIENT;
    }
    if (attempts >= maxAttempts) {
      return Decision.ANSWER_ERROR;
    }
    switch (progress) {
      case NOTHING_SENT:
        return Decision.RETRY;
      case HEAD_SENT:
        return isIdempotent(method) && cause != FailureCause.RESPONSE_TIMEOUT ? Decision.RETRY : Decision.ANSWER_ERROR;
      default:
        return Decision.ANSWER_ERROR;
    }
  }

  /** GET, HEAD, OPTIONS, TRACE, PUT and DELETE (RFC 9110 9.2.2). */
  static boolean isIdempotent(HttpMethod m) {
    return HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
        || HttpMethod.PUT.equals(m) || HttpMethod.DELETE.equals(m) || HttpMethod.TRACE.equals(m);
  }
}
