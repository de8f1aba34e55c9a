package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Lease;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One try of an exchange on one backend (Envoy's UpstreamRequest): its lease, its pooled connection, what it
 * has written, its response deadline, and the response events of its connection. An attempt that fails is
 * discarded with everything it knew (its connection is closed), and a retry is a new attempt, so no state of a
 * failed try can leak into the next. It reports to its {@link Exchange}, which decides.
 */
final class UpstreamAttempt implements BackendHandler.Sink {
  private static final Logger log = LoggerFactory.getLogger(UpstreamAttempt.class);

  final Backend backend;
  final Lease lease;
  private final Exchange ex;
  private Channel ch;
  private BackendHandler handler;
  private boolean over;
  private boolean headSent;
  private boolean bodySent;
  private boolean responseStarted;
  private boolean reusable;
  private boolean bodyWriteInFlight;
  private boolean flushPending;
  private ChannelFuture lastBodyWrite;
  private boolean awaitingResponse;
  private long deadline;

  UpstreamAttempt(Exchange ex, Lease lease) {
    this.ex = ex;
    this.lease = lease;
    this.backend = lease.backend();
  }

  void connect() {
    ChannelFuture cf = ex.px.connections(ex.conn.ctx().channel().eventLoop()).acquire(backend);
    if (cf.isDone()) {
      connected(cf);
    } else {
      cf.addListener((ChannelFutureListener) this::connected);
    }
  }

  private void connected(ChannelFuture cf) {
    if (over) {
      if (cf.isSuccess()) {
        cf.channel().close(); // nobody waits for this connection any more
      }
      return;
    }
    if (!cf.isSuccess()) {
      Throwable c = cf.cause();
      ex.attemptFailed(this, c instanceof ConnectTimeoutException ? FailureCause.CONNECT_TIMEOUT : FailureCause.CONNECT_FAILED,
          c instanceof UnknownHostException ? "host not found" : null);
      return;
    }
    ch = cf.channel();
    handler = (BackendHandler) ch.pipeline().get(BackendConnections.HANDLER);
    handler.attach(this);
    ex.prepareHead(backend);
    ChannelFuture written;
    HttpRequest r = ex.request;
    if (ex.requestDone()) { // no body: head and end in one message, encoded into one buffer
      written = ch.writeAndFlush(new DefaultFullHttpRequest(r.protocolVersion(), r.method(), r.uri(), Unpooled.EMPTY_BUFFER, r.headers(), EmptyHttpHeaders.INSTANCE));
    } else {
      ch.write(r);
      written = ch.writeAndFlush(Unpooled.EMPTY_BUFFER);
    }
    written.addListener((ChannelFutureListener) this::headWritten);
  }

  private void headWritten(ChannelFuture f) {
    if (over) {
      return;
    }
    if (!f.isSuccess()) {
      ex.attemptFailed(this, FailureCause.RESET, null);
      return;
    }
    headSent = true;
    ch.read();
    if (ex.requestDone()) {
      startResponseTimer();
    }
    ex.headWritten(this);
  }

  /** Whether the request body can be written now (the head went out and the attempt is alive). */
  boolean canSendBody() {
    return headSent && !over;
  }

  boolean bodyWriteInFlight() {
    return bodyWriteInFlight;
  }

  /** Queues a piece of the request body (flushed by {@link #flushBody()} once per read). */
  void writeBody(HttpContent c) {
    if (c.content().isReadable() || (c instanceof LastHttpContent && !((LastHttpContent) c).trailingHeaders().isEmpty())) {
      bodySent = true;
    }
    lastBodyWrite = ch.write(c);
    flushPending = true;
  }

  void flushBody() {
    if (!flushPending || over) {
      return;
    }
    flushPending = false;
    ChannelFuture last = lastBodyWrite;
    bodyWriteInFlight = true;
    ch.flush();
    last.addListener(
        (ChannelFutureListener)
            f -> {
              if (over || last != lastBodyWrite) {
                return;
              }
              bodyWriteInFlight = false;
              if (!f.isSuccess()) {
                ex.attemptFailed(this, FailureCause.RESET, null);
                return;
              }
              if (ex.requestDone()) {
                startResponseTimer();
              }
              ex.bodyWritten(this);
            });
  }

  /** Starts the response deadline; the connection's one lazy timer enforces it ({@link #checkDeadline}). */
  private void startResponseTimer() {
    if (!awaitingResponse && !responseStarted) {
      awaitingResponse = true;
      deadline = System.nanoTime() + ex.px.config.responseTimeout().toNanos();
      ex.conn.armResponseTimer(deadline);
    }
  }

  /** Called by the connection's timer: fails this attempt if it is past its deadline; else the nanos left (or 0). */
  long checkDeadline(long now) {
    if (!awaitingResponse || over) {
      return 0;
    }
    long left = deadline - now;
    if (left > 0) {
      return left;
    }
    awaitingResponse = false;
    ex.attemptFailed(this, FailureCause.RESPONSE_TIMEOUT, null);
    return 0;
  }

  RetryPolicy.Progress progress() {
    return responseStarted ? RetryPolicy.Progress.RESPONSE_STARTED
        : bodySent ? RetryPolicy.Progress.BODY_SENT
        : headSent ? RetryPolicy.Progress.HEAD_SENT
        : RetryPolicy.Progress.NOTHING_SENT;
  }

  void read() {
    if (!over && ch != null) {
      ch.read();
    }
  }

  // ------------------------------------------------------------------ backend connection events

  @Override
  public void onBackendMessage(Object msg) {
    if (over) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ResponseHead) {
      ResponseHead rh = (ResponseHead) msg;
      if (rh.invalid != null || (rh.response.status().code() == 101 && !ex.upgrade)) {
        ex.attemptFailed(this, FailureCause.INVALID_RESPONSE, rh.invalid != null ? rh.invalid : "101 Switching Protocols to a request that did not ask for it");
        return;
      }
      awaitingResponse = false;
      responseStarted = true;
      reusable = ResponseHeaderPolicy.backendReusable(rh.response, rh.framing);
      ex.responseHead(this, rh);
    } else if (msg instanceof HttpContent) {
      HttpContent c = (HttpContent) msg;
      if (!responseStarted) {
        c.release();
      } else {
        ex.responseContent(this, c);
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void onBackendReadComplete() {
    if (!over) {
      ex.backendReadComplete(this);
    }
  }

  @Override
  public void onBackendClosed() {
    if (!over) {
      ch = null;
      handler = null;
      ex.attemptFailed(this, FailureCause.RESET, null);
    }
  }

  @Override
  public void onBackendException(Throwable cause) {
    log.debug("backend connection {} failed", ch, cause);
  }

  // ------------------------------------------------------------------ the end of an attempt

  /** After a complete exchange: the connection goes back to the pool when it is clean, and the lease back. */
  void finish(boolean requestComplete) {
    over = true;
    Channel c = ch;
    detach();
    if (c != null) {
      if (reusable && requestComplete) {
        ex.px.connections(c.eventLoop()).release(backend, c);
      } else {
        c.close();
      }
    }
    lease.release();
  }

  /** Throws this attempt away: its connection (which may hold half a request or an unread response) is closed. */
  void discard() {
    over = true;
    awaitingResponse = false;
    Channel c = ch;
    detach();
    if (c != null) {
      c.close();
    }
    lease.release();
  }

  /** Hands the connection over to a WebSocket tunnel; the lease stays with the tunnel. */
  Channel takeForTunnel() {
    over = true;
    Channel c = ch;
    detach();
    return c;
  }

  private void detach() {
    if (handler != null) {
      handler.detach();
      handler = null;
    }
    ch = null;
  }
}
