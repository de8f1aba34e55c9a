package dev.loadstone.proxy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 client connection, after the multiplexer: what is shared by its streams (the client's forwarding
 * view, the drain) and the connection's timers. The header timeout runs until the first stream's headers are
 * complete (a connection that never sends its preface or first HEADERS, or trickles an endless header block, is
 * closed); the idle timeout closes a connection none of whose streams waits for a backend. Both, and the
 * drain, end with GOAWAY: the drain lets open streams finish and closes after the last one, and a stream the
 * client opens after it is refused (REFUSED_STREAM, by Netty's codec) so the client can retry it elsewhere.
 */
final class Http2ClientSession extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http2ClientSession.class);

  final ProxyContext px;
  private final boolean countConnection;
  private final List<Http2ClientStream> streams = new ArrayList<>();
  private ChannelHandlerContext ctx;
  private RequestHeaderPolicy.Client client;
  private ScheduledFuture<?> headerTimer;
  private boolean draining;
  private boolean goingAway;

  Http2ClientSession(ProxyContext px, boolean countConnection) {
    this.px = px;
    this.countConnection = countConnection;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (countConnection) {
      SocketAddress remote = ctx.channel().remoteAddress();
      px.listeners.clientConnectionOpened(remote);
      ctx.channel().closeFuture().addListener(f -> px.listeners.clientConnectionClosed(remote));
    }
    px.listeners.http2ConnectionOpened();
    growConnectionWindow(ctx);
    headerTimer = ctx.executor().schedule(this::headerTimedOut, px.config.headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
    if (px.draining) {
      goAway(Http2Error.NO_ERROR);
    }
  }

  /**
   * The connection's receive window (65,535 bytes by RFC 9113 6.9.2) grows to what all its streams' windows add
   * up to, so a stream whose body waits (its backend is slow, or its exchange is queued) holds only its own
   * window and never stalls the other streams' uploads; what a client may send unread stays bounded by the
   * streams' windows.
   */
  private void growConnectionWindow(ChannelHandlerContext ctx) {
    long all = (long) px.config.http2().maxConcurrentStreams() * px.config.http2().initialWindowSize();
    long grow = Math.min(Integer.MAX_VALUE, all) - Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    if (grow > 0) {
      ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame((int) grow));
    }
  }

  RequestHeaderPolicy.Client client() {
    if (client == null) {
      client = px.requestHeaders.client(ctx.channel()); // with its TLS, when the connection has it
    }
    return client;
  }

  boolean draining() {
    return draining || px.draining;
  }

  /** A stream's headers are complete: it runs an exchange until its child channel closes. */
  void opened(Http2ClientStream s) {
    cancelHeaderTimer();
    streams.add(s);
  }

  void closed(Http2ClientStream s) {
    streams.remove(s);
    if (goingAway && streams.isEmpty()) {
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg); // connection frames (SETTINGS, PING, GOAWAY): Netty's codec acted on them
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      if (streams.stream().noneMatch(Http2ClientStream::waitsOnBackend)) {
        goAway(Http2Error.NO_ERROR);
        ctx.close();
      }
    } else if (evt == ClientConnection.Drain.INSTANCE) {
      draining = true;
      goAway(Http2Error.NO_ERROR);
    } else {
      ReferenceCountUtil.release(evt);
    }
  }

  private void headerTimedOut() {
    headerTimer = null;
    if (streams.isEmpty() && ctx.channel().isActive()) {
      log.debug("{}: no complete request headers within the header timeout", ctx.channel());
      goAway(Http2Error.NO_ERROR);
      ctx.close();
    }
  }

  /** GOAWAY with the last stream the proxy took; the connection closes once no stream is open. */
  private void goAway(Http2Error error) {
    if (goingAway || !ctx.channel().isActive()) {
      return;
    }
    goingAway = true;
    ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(error)).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess() || streams.isEmpty()) {
        ctx.close();
      }
    });
  }

  private void cancelHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelHeaderTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP/2 client connection {} failed", ctx.channel(), cause);
    if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
      ctx.close();
    } // else: a connection error the codec answers itself, with GOAWAY and its code (then it closes)
  }
}
