package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.DecoderResult;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client side's HTTP/1.1 codec: Netty's request decoder configured strictly (CRLF only, RFC 9112
 * transfer-encoding rules, no duplicate Content-Length, validated headers) plus the checks Netty leaves
 * out (obs-fold, a request-header timeout), and a response encoder that knows which responses answer a
 * HEAD request. Rejections surface as a request whose {@link DecoderResult} failed, or as a {@link
 * HeaderTimeout} user event; the frontend turns them into 400/408/414/431.
 */
final class ServerCodec extends CombinedChannelDuplexHandler<ServerCodec.RequestDecoder, ServerCodec.ResponseEncoder> {

  /** Fired when a request head did not arrive completely within the header timeout. */
  enum HeaderTimeout {
    INSTANCE
  }

  /** A request rejected by this codec's own checks (Netty accepted it). */
  static final class StrictnessException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    StrictnessException(String message) {
      super(message);
    }
  }

  ServerCodec(int maxRequestLine, int maxHeaderSize, Duration headerTimeout) {
    ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
    HttpDecoderConfig cfg =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(maxRequestLine)
            .setMaxHeaderSize(maxHeaderSize)
            .setMaxChunkSize(64 * 1024)
            .setChunkedSupported(true)
            .setAllowPartialChunks(true)
            .setAllowDuplicateContentLengths(false)
            .setValidateHeaders(true)
            .setStrictLineParsing(true)
            .setUseRfc9112TransferEncoding(true);
    init(new RequestDecoder(cfg, maxRequestLine + maxHeaderSize + 4, headerTimeout, methods), new ResponseEncoder(methods));
  }

  static final class RequestDecoder extends HttpRequestDecoder {
    private final int maxHead;
    private final long headerTimeoutNanos;
    private final ArrayDeque<HttpMethod> methods;
    private boolean atMessageStart = true;
    private boolean bad;
    private ScheduledFuture<?> headerTimer;

    RequestDecoder(HttpDecoderConfig cfg, int maxHead, Duration headerTimeout, ArrayDeque<HttpMethod> methods) {
      super(cfg);
      this.maxHead = maxHead;
      this.headerTimeoutNanos = headerTimeout.toNanos();
      this.methods = methods;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      if (bad) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if (atMessageStart) {
        int start = skipLeadingNewlines(in);
        if (start == in.writerIndex()) {
          return;
        }
        int end = headEnd(in, start);
        if (end < 0 && headerTimer == null) {
          // Only a head that does not arrive at once needs a timer (the common case schedules nothing).
          headerTimer = ctx.executor().schedule(() -> headerTimedOut(ctx), headerTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (end < 0) {
          // Incomplete head: wait for more unless Netty can already reject it (bare LF, too long).
          if (!hasBareLf(in, start, in.writerIndex()) && in.writerIndex() - start <= maxHead) {
            return;
          }
        } else {
          String problem = obsFold(in, start, end);
          if (problem != null) {
            reject(in, out, problem);
            return;
          }
        }
      }
      int before = out.size();
      super.decode(ctx, in, out);
      for (int i = before; i < out.size(); i++) {
        Object o = out.get(i);
        if (o instanceof HttpRequest) {
          HttpRequest r = (HttpRequest) o;
          methods.add(r.method());
          cancelTimer();
          atMessageStart = false;
          if (r.decoderResult().isFailure()) {
            bad = true;
          }
        }
        if (o instanceof LastHttpContent) {
          atMessageStart = true;
          if (((HttpObject) o).decoderResult().isFailure()) {
            bad = true;
          }
        }
      }
    }

    private void reject(ByteBuf in, List<Object> out, String problem) {
      in.skipBytes(in.readableBytes());
      bad = true;
      cancelTimer();
      DefaultFullHttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
      invalid.setDecoderResult(DecoderResult.failure(new StrictnessException(problem)));
      methods.add(HttpMethod.GET);
      out.add(invalid);
    }

    private void headerTimedOut(ChannelHandlerContext ctx) {
      headerTimer = null;
      if (atMessageStart && !bad && !ctx.isRemoved()) {
        bad = true;
        ctx.fireUserEventTriggered(HeaderTimeout.INSTANCE);
      }
    }

    private void cancelTimer() {
      if (headerTimer != null) {
        headerTimer.cancel(false);
        headerTimer = null;
      }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
      cancelTimer();
      super.handlerRemoved0(ctx);
    }

    private static int skipLeadingNewlines(ByteBuf in) {
      int i = in.readerIndex();
      while (i < in.writerIndex() && (in.getByte(i) == '\r' || in.getByte(i) == '\n')) {
        i++;
      }
      return i;
    }

    /** Index just past the CRLFCRLF that ends the head, or -1. */
    private static int headEnd(ByteBuf in, int from) {
      for (int i = from; i + 3 < in.writerIndex(); i++) {
        if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r' && in.getByte(i + 3) == '\n') {
          return i + 4;
        }
      }
      return -1;
    }

    private static boolean hasBareLf(ByteBuf in, int from, int to) {
      for (int i = from; i < to; i++) {
        if (in.getByte(i) == '\n' && (i == from || in.getByte(i - 1) != '\r')) {
          return true;
        }
      }
      return false;
    }

    /** RFC 9112 5.2: a server must reject obs-fold (a header line starting with SP or HTAB). */
    private static String obsFold(ByteBuf in, int from, int end) {
      for (int i = from; i < end - 4; i++) {
        if (in.getByte(i) == '\n') {
          byte next = in.getByte(i + 1);
          if (next == ' ' || next == '\t') {
            return "obs-fold (a header line starting with whitespace) is not allowed";
          }
        }
      }
      return null;
    }
  }

  static final class ResponseEncoder extends HttpResponseEncoder {
    private final ArrayDeque<HttpMethod> methods;

    ResponseEncoder(ArrayDeque<HttpMethod> methods) {
      this.methods = methods;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
          && msg.status().code() != 101) {
        return super.isContentAlwaysEmpty(msg);
      }
      HttpMethod m = methods.poll();
      return HttpMethod.HEAD.equals(m) || super.isContentAlwaysEmpty(msg);
    }
  }
}
