package dev.loadstone.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream as the {@link Downstream} of one {@link Exchange}: it turns the stream's request (already
 * HTTP/1.1 objects from Netty's {@code Http2StreamFrameToHttpObjectCodec}; Netty's codec refused
 * connection-specific headers, bad pseudo-headers and a Content-Length that the DATA frames do not match) into a
 * {@link RequestHead} through the same {@link RequestRules} as HTTP/1.1, hands the body on as the exchange takes
 * it (the stream's window opens only as it is read), answers the proxy's own errors on the stream, and ends the
 * stream when the exchange ends: with its response, or a reset when the response was cut short or the request
 * was not read to its end.
 */
final class Http2ClientStream extends ChannelInboundHandlerAdapter implements Downstream {
  private static final Logger log = LoggerFactory.getLogger(Http2ClientStream.class);

  private final Http2ClientSession session;
  private final InboundQueue inbound = new InboundQueue();
  private ChannelHandlerContext ctx;
  private ResponseTimer responseTimer;
  private Exchange exchange;
  private boolean headSeen;
  /** The client's END_STREAM was read. */
  private boolean requestEnded;
  private long bodyBytes;

  Http2ClientStream(Http2ClientSession session) {
    this.session = session;
  }

  boolean waitsOnBackend() {
    return exchange != null && exchange.waitsOnBackend();
  }

  @Override
  public ProxyContext px() {
    return session.px;
  }

  @Override
  public ChannelHandlerContext ctx() {
    return ctx;
  }

  @Override
  public RequestHeaderPolicy.Client client() {
    return session.client();
  }

  @Override
  public boolean draining() {
    return session.draining();
  }

  @Override
  public String protocol(boolean http10) {
    return "HTTP/2.0";
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.responseTimer = new ResponseTimer(ctx, () -> exchange == null ? null : exchange.currentAttempt());
    session.opened(this);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!headSeen) {
      headSeen = true;
      if (msg instanceof HttpRequest) {
        head((HttpRequest) msg);
      } else { // headers without :method (read by the codec as trailers)
        ReferenceCountUtil.release(msg);
        reset(Http2Error.PROTOCOL_ERROR);
      }
    } else if (msg instanceof HttpContent && exchange != null && !requestEnded) {
      body((HttpContent) msg);
    } else {
      ReferenceCountUtil.release(msg); // the rest of a request that was already answered
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    resume();
  }

  private void head(HttpRequest msg) {
    requestEnded = msg instanceof FullHttpRequest;
    HttpHeaders h = msg.headers();
    ReferenceCountUtil.release(msg); // a FullHttpRequest's (empty) content; the headers stay readable
    for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
      h.remove(n.text()); // the codec's own x-http2-* headers are not the client's
    }
    RequestHead head;
    try {
      head = RequestRules.check(new RequestLine(msg.method(), msg.uri(), HttpVersion.HTTP_1_1), h, px().config.maxBodySize());
    } catch (Rejection r) {
      respondError(r.status(), r.reason(), null, RequestHead.rejected(r, msg.method()));
      return;
    }
    exchange = new Exchange(this, head);
    exchange.start();
  }

  private void body(HttpContent c) {
    if (c instanceof LastHttpContent) {
      requestEnded = true;
    }
    bodyBytes += c.content().readableBytes();
    long max = px().config.maxBodySize();
    if (max > 0 && bodyBytes > max) {
      c.release();
      LastHttpContent failed = new DefaultLastHttpContent();
      failed.setDecoderResult(DecoderResult.failure(
          new Rejection(413, "the request body is larger than the limit of " + max + " bytes")));
      requestEnded = false; // the rest is not read: the stream is reset after the answer
      inbound.add(failed);
      return;
    }
    inbound.add(c);
  }

  @Override
  public void resume() {
    while (exchange != null && exchange.acceptsBody()) {
      Object o = inbound.poll();
      if (o == null) {
        break;
      }
      exchange.forwardBody((HttpContent) o);
    }
    if (exchange != null) {
      exchange.flushBody();
    }
    if (ctx.channel().isActive() && inbound.isEmpty() && !requestEnded && (!headSeen || (exchange != null && exchange.wantsBody()))) {
      ctx.read(); // only now may the client send more: the stream's window grows as its frames are read
    }
  }

  @Override
  public void exchangeDone(Exchange e, ChannelFuture last, boolean keepAlive) {
    if (e == exchange) {
      exchange = null;
      endAfter(last);
    }
  }

  @Override
  public void exchangeFailed(Exchange e, int code, String cause) {
    if (e == exchange) {
      exchange = null;
      respondError(code, cause, e, null);
    }
  }

  @Override
  public void abort() {
    exchange = null;
    reset(Http2Error.INTERNAL_ERROR);
  }

  @Override
  public void switchProtocols(Exchange e, UpstreamAttempt a, HttpResponse r, long startNanos, AccessTrace trace) {
    log.debug("a backend switched protocols on HTTP/2 stream {}", ctx.channel());
    a.discard(); // there is nothing to tunnel over an h2 stream (an Upgrade request never gets here)
    trace.done(502, 0, 0);
    exchange = null;
    reset(Http2Error.INTERNAL_ERROR);
  }

  @Override
  public void armResponseTimer(long deadlineNanos) {
    responseTimer.arm(deadlineNanos);
  }

  private void respondError(int code, String cause, Exchange e, RequestHead rejected) {
    px().listeners.proxyError(code, cause);
    FullHttpResponse r = ErrorResponses.of(ctx.alloc(), code, cause, false);
    AccessTrace.error(this, e, rejected, r);
    endAfter(ctx.writeAndFlush(r));
  }

  /** After the response's last write: the stream ended on both sides, or the unread rest of the request is refused. */
  private void endAfter(ChannelFuture last) {
    inbound.releaseAll();
    last.addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        ctx.close();
      } else if (!requestEnded && ctx.channel().isActive()) {
        reset(Http2Error.NO_ERROR); // RFC 9113 8.1: the response is complete, the client may stop sending
      }
    });
  }

  private void reset(Http2Error error) {
    inbound.releaseAll();
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new DefaultHttp2ResetFrame(error)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.clientGone(); // reset by the client, or the connection went: the attempt lets its lease go
      exchange = null;
    }
    inbound.releaseAll();
    responseTimer.stop();
    session.closed(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP/2 stream {} failed", ctx.channel(), cause);
    if (cause instanceof Http2FrameStreamException || cause instanceof Http2Exception.StreamException) {
      return; // a stream error the codec answers itself with RST_STREAM and its code (the channel then closes)
    }
    if (exchange == null && !headSeen) {
      reset(Http2Error.PROTOCOL_ERROR); // the codec could not make a request of the headers
    } else {
      ctx.close();
    }
  }
}
