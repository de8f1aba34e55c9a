package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import java.net.SocketAddress;

/**
 * Observes what the proxy does, for metrics and passive health checking. Every method is called on the
 * client connection's event loop: implementations must be cheap and must never block. All methods
 * default to doing nothing; a listener that throws is logged and otherwise ignored.
 */
public interface ExchangeListener {
  /** A client connected. */
  default void clientConnectionOpened(SocketAddress client) {}

  /** A client connection closed (either side), exactly once per connection, WebSocket tunnels included. */
  default void clientConnectionClosed(SocketAddress client) {}

  /** A request is being sent to {@code backend} (once per attempt, retries included). */
  default void requestStarted(Backend backend) {}

  /** The response headers from {@code backend} arrived. */
  default void responseHeadersReceived(Backend backend, int status) {}

  /**
   * The exchange finished: the backend's response was fully relayed to the client. {@code bytesIn} counts
   * request body bytes from the client, {@code bytesOut} response body bytes to the client. For a WebSocket
   * tunnel this is called when the tunnel closes with status 101 and both byte counts 0.
   */
  default void exchangeCompleted(Backend backend, int status, long durationNanos, long bytesIn, long bytesOut) {}

  /** An attempt to {@code backend} failed. */
  default void backendFailed(Backend backend, FailureCause cause) {}

  /** The request is retried on another backend after {@code failed} failed; {@code attempt} counts from 2. */
  default void retried(Backend failed, FailureCause cause, int attempt) {}

  /** A client connection switched to HTTP/2 (h2c prior knowledge or ALPN h2); its streams are exchanges as any. */
  default void http2ConnectionOpened() {}

  /** A request waits in the queue: every backend is at {@code backend-max-connections}. */
  default void queued() {}

  /** The listener stopped accepting: {@code max-connections} ({@code limit}) client connections are open. */
  default void acceptPaused(int limit) {}

  /** The proxy answered with its own error status (400, 405, 408, 413, 414, 417, 431, 501, 502, 503, 504, 505). */
  default void proxyError(int status, String cause) {}
}
