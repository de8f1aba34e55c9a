package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Lease;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;

/**
 * One request and its response (Envoy's router, for one stream): it picks backends, runs one {@link
 * UpstreamAttempt} at a time, asks {@link RetryPolicy} what a failure means, streams the request body to the
 * attempt and the response back to the client, each side read only after the previous write to the other side
 * completed. Its {@link State} says where it is; it ends in DONE (response relayed, or an error answered) or
 * TUNNEL.
 */
final class Exchange {
  enum State {
    /** Every backend is at backend-max-connections: waiting in the queue. */
    QUEUED,
    /** An attempt is getting its backend connection. */
    CONNECTING,
    /** The head went out; the request body is being streamed. */
    SENDING,
    /** The request is sent; the response head is awaited (the response timeout runs). */
    AWAITING_RESPONSE,
    /** The response is being relayed to the client. */
    STREAMING,
    DONE,
    /** Switched to a WebSocket tunnel. */
    TUNNEL
  }

  final Downstream conn;
  final ProxyContext px;
  final HttpRequest request;
  final boolean upgrade;
  private final boolean client10;
  private final boolean hostFromClient;
  private final boolean secure;
  private final BackendSelection selection;
  private final long startNanos = System.nanoTime();
  /** The request id (null when request ids are off) and the access log's view of this exchange. */
  final String requestId;
  final AccessTrace trace;
  private State state = State.CONNECTING;
  private boolean requestDone;
  private boolean expectContinue;
  private boolean clientKeepAlive;
  private UpstreamAttempt attempt;
  private int attempts;
  private ChannelFuture lastClientWrite;
  /**
   * A response head held back until the backend's read completes: when the whole body arrives in the same read
   * (most small responses), head and body go to the client as one message, encoded into one buffer.
   */
  private HttpResponse pendingHead;
  private int status;
  private long bytesIn;
  private long bytesOut;
  /** What the last failed attempt is answered with, should no retry be left. */
  private ErrorResponses.Failure lastFailure;
  private RequestBodyDeadline bodyDeadline = RequestBodyDeadline.NONE;
  private QueuedWait wait;

  Exchange(Downstream conn, RequestHead head) {
    this.conn = conn;
    this.px = conn.px();
    this.request = head.request;
    this.upgrade = head.upgrade;
    this.requestDone = !head.framing.hasBody();
    this.expectContinue = head.expectContinue;
    this.clientKeepAlive = HttpUtil.isKeepAlive(request) && !px.draining && !upgrade;
    this.hostFromClient = request.headers().contains(HttpHeaderNames.HOST);
    this.client10 = request.protocolVersion() == HttpVersion.HTTP_1_0; // before the policy makes it 1.1
    this.selection = new BackendSelection(px, request, (InetSocketAddress) conn.ctx().channel().remoteAddress());
    this.secure = "https".equals(px.requestHeaders.apply(head, conn.client()));
    this.requestId = px.requestIds.assign(request.headers(), conn.client().trusted);
    this.trace = AccessTrace.of(conn, request, client10, requestId);
  }

  boolean requestDone() {
    return requestDone;
  }

  UpstreamAttempt currentAttempt() {
    return attempt;
  }

  /** While the exchange waits for a backend, the client's idle timeout does not apply (connect and response timeouts do). */
  boolean waitsOnBackend() {
    return state == State.CONNECTING || state == State.AWAITING_RESPONSE || state == State.QUEUED;
  }

  void start() {
    Lease lease = selection.acquire();
    if (lease.isEmpty() && selection.full() && px.queue != null) {
      if (wait == null) {
        wait = QueuedWait.start(this, px.queue, px.config);
        px.listeners.queued();
      }
      state = State.QUEUED;
      lease = wait.park(selection, false);
      if (lease == null) {
        return; // queued, or answered 503
      }
    }
    begin(lease);
  }

  /** Woken by the queue (on this event loop): acquire again, or go back to the front. */
  void dequeued() {
    if (state != State.QUEUED) {
      return;
    }
    wait.woken();
    Lease lease = selection.acquire();
    if (lease.isEmpty() && selection.full()) {
      lease = wait.park(selection, true);
      if (lease == null) {
        return;
      }
    }
    begin(lease);
  }

  boolean isQueued() {
    return state == State.QUEUED;
  }

  void queueFailed(String why) {
    if (state == State.QUEUED) {
      wait.stop();
      fail(503, why);
    }
  }

  private void begin(Lease lease) {
    if (wait != null) {
      wait.stop();
    }
    if (lease.isEmpty()) {
      if (attempts == 0) {
        fail(503, lease.reason() == null ? "no backend is available" : lease.reason());
      } else {
        fail(lastFailure.status(), lastFailure.text());
      }
      return;
    }
    attempts++;
    state = State.CONNECTING;
    attempt = new UpstreamAttempt(this, lease);
    trace.attempt(lease.backend(), selection.byCookie(lease));
    px.listeners.requestStarted(lease.backend());
    attempt.connect();
  }

  /** An HTTP/1.0 client may send no Host: the backend then gets its own address. */
  void prepareHead(Backend backend) {
    if (!hostFromClient) {
      request.headers().set(HttpHeaderNames.HOST, backend.address());
    }
  }

  void headWritten(UpstreamAttempt a) {
    if (a != attempt) {
      return;
    }
    state = requestDone ? State.AWAITING_RESPONSE : State.SENDING;
    if (!requestDone && bodyDeadline == RequestBodyDeadline.NONE) {
      bodyDeadline = RequestBodyDeadline.start(px.config, conn.ctx().executor(), this::bodyTooSlow);
    }
    if (!requestDone && expectContinue) {
      expectContinue = false;
      conn.ctx().writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    conn.resume();
  }

  // ------------------------------------------------------------------ request body

  /** Whether request body contents can be handed to {@link #forwardBody} now. */
  boolean acceptsBody() {
    return !requestDone && attempt != null && attempt.canSendBody();
  }

  /** Whether to read more of the request body from the client (the previous body write completed). */
  boolean wantsBody() {
    return acceptsBody() && !attempt.bodyWriteInFlight();
  }

  void forwardBody(HttpContent c) {
    if (c.decoderResult().isFailure()) {
      Throwable cause = c.decoderResult().cause();
      c.release();
      Rejection r = cause instanceof Rejection ? (Rejection) cause : new Rejection(400, "malformed request body");
      abortRequest(r.status(), r.reason());
      return;
    }
    bytesIn += c.content().readableBytes();
    bodyDeadline.received(c.content().readableBytes());
    if (c instanceof LastHttpContent) {
      requestDone = true;
      bodyDeadline.stop();
      c = px.requestHeaders.trailers().filter((LastHttpContent) c);
    }
    attempt.writeBody(c);
  }

  private void bodyTooSlow() {
    if (state != State.DONE && state != State.TUNNEL && !requestDone) {
      abortRequest(408, RequestBodyDeadline.reason(px.config));
    }
  }

  void flushBody() {
    if (attempt != null) {
      attempt.flushBody();
    }
  }

  void bodyWritten(UpstreamAttempt a) {
    if (a == attempt && requestDone && state == State.SENDING) {
      state = State.AWAITING_RESPONSE;
    }
    conn.resume();
  }

  /** The request body turned out bad mid-stream: the backend saw part of it, so that attempt goes too. */
  private void abortRequest(int code, String why) {
    UpstreamAttempt a = attempt;
    attempt = null;
    if (a != null) {
      a.discard();
    }
    if (state == State.STREAMING) {
      state = State.DONE;
      bodyDeadline.stop();
      trace.done(status, bytesIn, bytesOut);
      writeHead(pendingHead);
      pendingHead = null;
      conn.abort();
    } else {
      requestDone = false; // the rest of the body is unread: the connection closes after the error
      fail(code, why);
    }
  }

  // ------------------------------------------------------------------ failures and retries

  void attemptFailed(UpstreamAttempt a, FailureCause cause, String detail) {
    if (a != attempt || state == State.DONE) {
      return;
    }
    attempt = null;
    a.discard();
    px.listeners.backendFailed(a.backend, cause);
    lastFailure = ErrorResponses.forFailure(cause, detail, a.backend, px.config, attempts);
    switch (RetryPolicy.decide(cause, a.progress(), request.method(), attempts, selection.maxAttempts())) {
      case RETRY:
        selection.exclude(a.backend);
        px.listeners.retried(a.backend, cause, attempts + 1);
        start();
        return;
      case CLOSE_CLIENT:
        state = State.DONE;
        trace.done(status, bytesIn, bytesOut); // a response cut short
        writeHead(pendingHead); // what was relayed so far reaches the client before the close
        pendingHead = null;
        conn.abort();
        return;
      default:
        fail(lastFailure.status(), lastFailure.text());
    }
  }

  private void fail(int code, String why) {
    state = State.DONE;
    bodyDeadline.stop();
    trace.failing(bytesIn);
    conn.exchangeFailed(this, code, why);
  }

  /** The client went away: whatever the attempt holds is let go. */
  void clientGone() {
    trace.done(status == 0 ? 499 : status, bytesIn, bytesOut); // 499: nginx's "client closed request" (no head yet)
    state = State.DONE;
    pendingHead = null;
    bodyDeadline.stop();
    if (wait != null) {
      wait.stop();
    }
    if (attempt != null) {
      attempt.discard();
      attempt = null;
    }
  }

  /** The connection is draining: this response is the last one. */
  void closeAfterResponse() {
    clientKeepAlive = false;
  }

  // ------------------------------------------------------------------ response

  void responseHead(UpstreamAttempt a, ResponseHead rh) {
    HttpResponse r = rh.response;
    status = r.status().code();
    px.listeners.responseHeadersReceived(a.backend, status);
    if (px.loadReports != null) {
      px.loadReports.read(a.backend.id(), r.headers(), px.pool.ticker().read()); // scaling.cpu-header
    }
    if (status == 101) {
      state = State.TUNNEL;
      attempt = null;
      trace.head();
      conn.switchProtocols(this, a, r, startNanos, trace);
      return;
    }
    state = State.STREAMING;
    boolean keepAlive = clientKeepAlive && requestDone && !px.draining && !conn.draining();
    String cookie = selection.setCookie(a.lease, secure);
    clientKeepAlive = ResponseHeaderPolicy.apply(r, rh.framing, client10, keepAlive, cookie);
    px.requestIds.respond(r.headers(), requestId);
    trace.head();
    if (!rh.framing.hasBody()) {
      lastClientWrite = conn.ctx().write(full(r, Unpooled.EMPTY_BUFFER)); // nothing follows the head
      complete(a);
    } else {
      pendingHead = r;
    }
  }

  private static FullHttpResponse full(HttpResponse head, ByteBuf body) {
    return new DefaultFullHttpResponse(head.protocolVersion(), head.status(), body, head.headers(), EmptyHttpHeaders.INSTANCE);
  }

  void responseContent(UpstreamAttempt a, HttpContent c) {
    bytesOut += c.content().readableBytes();
    HttpResponse head = pendingHead;
    pendingHead = null;
    if (c instanceof LastHttpContent) {
      LastHttpContent last = px.requestHeaders.trailers().filter((LastHttpContent) c);
      if (head != null && last.trailingHeaders().isEmpty()) {
        lastClientWrite = conn.ctx().write(full(head, last.content()));
      } else {
        writeHead(head);
        lastClientWrite = conn.ctx().write(last);
      }
      complete(a);
    } else {
      writeHead(head);
      lastClientWrite = conn.ctx().write(c);
    }
  }

  private void writeHead(HttpResponse head) {
    if (head != null) {
      conn.ctx().write(head);
    }
  }

  private void complete(UpstreamAttempt a) {
    state = State.DONE;
    bodyDeadline.stop();
    attempt = null;
    a.finish(requestDone);
    px.listeners.exchangeCompleted(a.backend, status, System.nanoTime() - startNanos, bytesIn, bytesOut);
    trace.done(status, bytesIn, bytesOut);
    ChannelHandlerContext ctx = conn.ctx();
    ChannelFuture last = lastClientWrite;
    lastClientWrite = null;
    ctx.flush();
    conn.exchangeDone(this, last, clientKeepAlive && requestDone);
  }

  /** Backpressure: flush what the backend's read produced, and read the backend again once the client took it. */
  void backendReadComplete(UpstreamAttempt a) {
    if (a != attempt) {
      return;
    }
    if (pendingHead != null) { // the body did not come with the head: the client gets the head now
      lastClientWrite = conn.ctx().write(pendingHead);
      pendingHead = null;
    }
    ChannelFuture last = lastClientWrite;
    lastClientWrite = null;
    if (state != State.STREAMING || last == null) {
      a.read();
      return;
    }
    conn.ctx().flush();
    last.addListener(
        (ChannelFutureListener)
            f -> {
              if (!f.isSuccess()) {
                conn.ctx().close();
              } else if (a == attempt) {
                a.read();
              }
            });
  }
}
