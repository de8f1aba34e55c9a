package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import dev.loadstone.proxy.accesslog.AccessLog;
import dev.loadstone.proxy.accesslog.AccessRecord;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;

/**
 * What the access log needs to know about one exchange while it runs (its start, the time of its response
 * head, the backend of its last attempt, how many attempts), turned into one {@link AccessRecord} when it
 * ends. With the access log off every exchange shares {@link #OFF}, whose methods return at once: no
 * allocation, no clock read.
 */
final class AccessTrace {
  static final AccessTrace OFF = new AccessTrace();

  private final AccessLog log; // null: OFF
  private final long startMillis;
  private final long startNanos;
  private final String ip;
  private final int port;
  private final String method;
  private final String target;
  private final String protocol;
  private final String requestId;
  private long headNanos = -1;
  private String backend;
  private boolean sticky;
  private int attempts;
  private long bytesIn;
  private boolean logged;

  private AccessTrace() {
    this.log = null;
    this.startMillis = 0;
    this.startNanos = 0;
    this.ip = null;
    this.port = 0;
    this.method = null;
    this.target = null;
    this.protocol = null;
    this.requestId = null;
  }

  private AccessTrace(AccessLog log, Downstream conn, String method, String target, String protocol, String requestId) {
    this.log = log;
    this.startNanos = log.nanoTime();
    this.startMillis = log.wallMillis();
    this.ip = conn.client().ip;
    this.port = ((InetSocketAddress) conn.ctx().channel().remoteAddress()).getPort();
    this.method = method;
    this.target = target;
    this.protocol = protocol;
    this.requestId = requestId;
  }

  /** The trace of an exchange ({@link #OFF} when the access log is off). */
  static AccessTrace of(Downstream conn, HttpRequest request, boolean http10, String requestId) {
    AccessLog log = conn.px().accessLog;
    return log == null ? OFF
        : new AccessTrace(log, conn, request.method().name(), request.uri(), conn.protocol(http10), requestId);
  }

  /** An attempt goes to {@code b}; {@code byCookie}: the client's sticky cookie chose it. */
  void attempt(Backend b, boolean byCookie) {
    attempts++;
    backend = b.id();
    sticky = byCookie;
  }

  /** The response head went to the client. */
  void head() {
    if (log != null && headNanos < 0) {
      headNanos = log.nanoTime() - startNanos;
    }
  }

  /** The exchange ends with the proxy's own error, after reading {@code requestBytes} of the body ({@link #error} logs it). */
  void failing(long requestBytes) {
    bytesIn = requestBytes;
  }

  /** The exchange ended with {@code status} (once; later calls are ignored). */
  void done(int status, long requestBytes, long responseBytes) {
    if (log == null || logged) {
      return;
    }
    logged = true;
    log.offer(new AccessRecord(startMillis, ip, port, method, target, protocol, status, backend, attempts, requestBytes,
        responseBytes, log.nanoTime() - startNanos, headNanos, sticky, requestId));
  }

  /**
   * The proxy answers {@code r} itself: for exchange {@code e} (its request id goes into the response when
   * configured), or for a request that never became one ({@code e} null: rejected, or its head timed out).
   */
  static void error(Downstream conn, Exchange e, RequestHead rejected, FullHttpResponse r) {
    ProxyContext px = conn.px();
    if (e != null) {
      px.requestIds.respond(r.headers(), e.requestId);
    }
    if (px.accessLog == null) {
      return;
    }
    AccessTrace t = e != null ? e.trace
        : rejected != null && rejected.request != null // a whole head, its body refused (413)
            ? of(conn, rejected.request, rejected.request.protocolVersion() == HttpVersion.HTTP_1_0, null)
            : new AccessTrace(px.accessLog, conn, rejected == null ? null : rejected.method.name(), null, null, null);
    t.head();
    t.done(r.status().code(), t.bytesIn, r.content().readableBytes());
  }
}
