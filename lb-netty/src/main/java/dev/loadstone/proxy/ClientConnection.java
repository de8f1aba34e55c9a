package dev.loadstone.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection (Envoy's connection manager, for HTTP/1.1): it takes the decoded requests one at a time
 * (pipelined ones wait in order), runs an {@link Exchange} for each, writes the proxy's own errors, and owns the
 * connection's timers: the idle timeout (which does not run while an exchange waits for its backend), the one
 * lazy response timer of all its exchanges, and the drain. Closes on its own initiative are lingering
 * ({@link LingeringClose}) so the client reads the last response.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements Downstream {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

  /** Sent down the pipeline when the server starts draining. */
  enum Drain {
    INSTANCE
  }

  private final ProxyContext px;
  private final InboundQueue inbound = new InboundQueue();
  private ResponseTimer responseTimer;
  private RequestDecoder decoder;
  private RequestHeaderPolicy.Client client;
  private ChannelHandlerContext ctx;
  private Exchange exchange;
  private boolean closing;
  private boolean tunnelled;
  private boolean draining;
  private boolean responseWriteInFlight;

  ClientConnection(ProxyContext px) {
    this.px = px;
  }

  @Override
  public ProxyContext px() {
    return px;
  }

  @Override
  public ChannelHandlerContext ctx() {
    return ctx;
  }

  @Override
  public RequestHeaderPolicy.Client client() {
    if (client == null) {
      client = px.requestHeaders.client(ctx.channel());
    }
    return client;
  }

  @Override
  public boolean draining() {
    return draining;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.responseTimer = new ResponseTimer(ctx, () -> exchange == null ? null : exchange.currentAttempt());
    ServerCodec codec = ctx.pipeline().get(ServerCodec.class);
    this.decoder = codec == null ? null : codec.decoder();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    SocketAddress remote = ctx.channel().remoteAddress();
    px.listeners.clientConnectionOpened(remote);
    // Counted closed when the channel closes, whichever handler then owns it (a WebSocket relay, a linger).
    ctx.channel().closeFuture().addListener(f -> px.listeners.clientConnectionClosed(remote));
    if (px.draining) {
      ctx.close();
      return;
    }
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    inbound.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    resume();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ServerCodec.HeaderTimeout.INSTANCE) {
      if (exchange == null && inbound.isEmpty() && !responseWriteInFlight) {
        respondError(408, "the request headers did not arrive within " + Durations.format(px.config.headerTimeout()), true, null, null);
      } else {
        // The head waits because the proxy is busy with an earlier request: the client is not slow.
        restartHeaderTimer();
      }
    } else if (evt instanceof IdleStateEvent) {
      if (exchange == null || !exchange.waitsOnBackend()) {
        closing = true;
        ctx.close();
      }
    } else if (evt == Drain.INSTANCE) {
      draining = true;
      if (exchange != null) {
        exchange.closeAfterResponse();
      } else if (inbound.isEmpty() && !responseWriteInFlight) {
        closing = true;
        ctx.close();
      } // else: the response being written is the last one (see responseWritten)
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (exchange != null) {
      exchange.clientGone();
      exchange = null;
    }
    inbound.releaseAll();
    responseTimer.stop();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) { // replaced by a tunnel relay, or lingering
    inbound.releaseAll();
    responseTimer.stop();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection {} failed", ctx.channel(), cause);
    ctx.close();
  }

  // ------------------------------------------------------------------ requests in order

  /** Takes what can be taken from the queue, then reads if the current state wants more. */
  @Override
  public void resume() {
    process();
    maybeRead();
  }

  private void process() {
    while (!closing && !tunnelled) {
      if (exchange == null) {
        if (responseWriteInFlight) {
          break; // the next pipelined request waits until the previous response was written
        }
        Object o = inbound.poll();
        if (o == null) {
          break;
        }
        if (o instanceof RequestHead) {
          start((RequestHead) o);
        } else {
          ReferenceCountUtil.release(o); // the rest of a request that was already answered
        }
      } else if (exchange.acceptsBody()) {
        Object o = inbound.peek();
        if (!(o instanceof HttpContent)) {
          break;
        }
        inbound.poll();
        exchange.forwardBody((HttpContent) o);
      } else {
        break;
      }
    }
    if (exchange != null) {
      exchange.flushBody();
    }
  }

  private void maybeRead() {
    if (closing || tunnelled || !ctx.channel().isActive()) {
      return;
    }
    if (exchange == null) {
      if (inbound.isEmpty() && !responseWriteInFlight) {
        ctx.read();
      }
    } else if (exchange.wantsBody() && inbound.isEmpty()) {
      ctx.read();
    } else if (exchange.requestDone() && !exchange.upgrade && inbound.isEmpty()) {
      // The whole request is in: keep a read pending while the response is produced, so an idle keep-alive
      // connection keeps its epoll read interest instead of dropping and re-adding it (two epoll_ctl calls)
      // per request. At most one read's worth (the next pipelined request) is taken meanwhile; it waits in
      // inbound, and nothing more is read until it is processed.
      ctx.read();
    }
  }

  private void start(RequestHead head) {
    Rejection r = head.rejection != null ? head.rejection : inbound.bodyRejection();
    if (r != null) {
      respondError(r.status(), r.reason(), true, null, head);
      return;
    }
    exchange = new Exchange(this, head);
    exchange.start();
  }

  // ------------------------------------------------------------------ the end of an exchange

  /** The exchange relayed its whole response; {@code last} is its last write. */
  @Override
  public void exchangeDone(Exchange e, ChannelFuture last, boolean keepAlive) {
    if (e != exchange) {
      return;
    }
    exchange = null;
    if (!keepAlive) {
      closeAfter(last);
    } else {
      responseWritten(last);
    }
  }

  /** The exchange ends with the proxy's own error; the connection stays open if the whole request was read. */
  @Override
  public void exchangeFailed(Exchange e, int code, String cause) {
    if (e != exchange) {
      return;
    }
    exchange = null;
    respondError(code, cause, !(e.requestDone() || inbound.dropBody()), e, null);
  }

  /** A backend failed after its headers were relayed: flush what was relayed (a response cut short), close. */
  @Override
  public void abort() {
    exchange = null;
    closing = true;
    inbound.releaseAll();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public String protocol(boolean http10) {
    return http10 ? "HTTP/1.0" : "HTTP/1.1";
  }

  @Override
  public void switchProtocols(Exchange e, UpstreamAttempt a, io.netty.handler.codec.http.HttpResponse r, long startNanos, AccessTrace trace) {
    WebSocketTunnel.open(this, a, r, startNanos, trace);
  }

  void tunnelled() {
    exchange = null;
    tunnelled = true;
    responseTimer.stop();
  }

  /** The proxy's own answer, for exchange {@code e}, or for a request that never became one ({@code rejected} or none). */
  private void respondError(int code, String cause, boolean close, Exchange e, RequestHead rejected) {
    px.listeners.proxyError(code, cause);
    close |= px.draining || draining;
    io.netty.handler.codec.http.FullHttpResponse r = ErrorResponses.of(ctx.alloc(), code, cause, close);
    AccessTrace.error(this, e, rejected, r);
    ChannelFuture f = ctx.writeAndFlush(r);
    if (close) {
      closeAfter(f);
    } else {
      responseWritten(f);
    }
  }

  private void closeAfter(ChannelFuture last) {
    closing = true;
    inbound.releaseAll();
    LingeringClose.after(last);
  }

  private void responseWritten(ChannelFuture f) {
    responseWriteInFlight = true;
    f.addListener(
        (ChannelFutureListener)
            w -> {
              responseWriteInFlight = false;
              if (!w.isSuccess()) {
                closing = true;
                ctx.close();
              } else if (draining && exchange == null) {
                closeAfter(w); // the last response is out: now the drain may close
              } else {
                restartHeaderTimer(); // a pipelined head that waited for this response starts its period now
                resume();
              }
            });
  }

  private void restartHeaderTimer() {
    if (decoder != null) {
      decoder.restartHeaderTimer();
    }
  }

  @Override
  public void armResponseTimer(long deadlineNanos) {
    responseTimer.arm(deadlineNanos);
  }
}
