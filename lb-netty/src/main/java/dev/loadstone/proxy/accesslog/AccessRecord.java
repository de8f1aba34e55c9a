package dev.loadstone.proxy.accesslog;

/**
 * One exchange as the access log sees it, immutable and small: the event loop builds it when the exchange ends
 * and hands it to {@link AccessLog#offer}; the writer thread formats it. Absent values are null (strings) or -1
 * ({@code ttfbNanos}); the formats show them as {@code -} (text) or {@code null} (JSON).
 *
 * @param startMillis wall-clock time the exchange started (its request head was taken), epoch milliseconds
 * @param clientIp the client's address as text, without brackets or zone
 * @param clientPort the client's port
 * @param method the request method, or null when the request line could not be read
 * @param target the request target as the client sent it, or null when it could not be read
 * @param protocol {@code HTTP/1.1} or {@code HTTP/1.0}, or null when unknown
 * @param status the status the client got: the backend's, the proxy's own error, or 499 when the client left first
 * @param backend the id of the last backend tried, or null when none was
 * @param attempts how many backends were tried (0 when none was: a rejected request or no backend available)
 * @param bytesIn request body bytes read from the client
 * @param bytesOut response body bytes relayed to the client (the proxy's own error body included)
 * @param durationNanos from the start to the end of the response
 * @param ttfbNanos from the start to the response head (the backend's or the proxy's own), or -1 when none was sent
 * @param sticky whether the client's sticky cookie chose the backend
 * @param requestId the request id, or null when request ids are off
 */
public record AccessRecord(long startMillis, String clientIp, int clientPort, String method, String target,
    String protocol, int status, String backend, int attempts, long bytesIn, long bytesOut, long durationNanos,
    long ttfbNanos, boolean sticky, String requestId) {

  /** Whether the exchange went to more than one backend. */
  public boolean retried() {
    return attempts > 1;
  }
}
