package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * h2c with prior knowledge (RFC 9113 3.3) on the plain listener: looks at a connection's first bytes and, if
 * they are the HTTP/2 client preface ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}), switches the pipeline to
 * {@link Http2Frontend}; at the first byte that differs it steps aside and the connection is HTTP/1.1 as
 * always. Either way it removes itself and hands the bytes it held to what follows. A preface begun and not
 * finished within the header timeout closes the connection (as an unfinished HTTP/1.1 head would get 408).
 */
final class Http2PriorKnowledge extends ByteToMessageDecoder {
  static final String NAME = "h2c-preface";
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final ProxyContext px;
  private ScheduledFuture<?> timer;

  Http2PriorKnowledge(ProxyContext px) {
    this.px = px;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
    if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n)) {
      ctx.pipeline().remove(this); // HTTP/1.1
    } else if (n == PREFACE.readableBytes()) {
      Http2Frontend.install(ctx.pipeline(), px);
      ctx.pipeline().remove(this); // the preface goes on to the h2 codec, which checks it again
    } else if (timer == null && n > 0) { // a prefix of the preface so far; wait for more (AUTO_READ is off: the decoder reads)
      timer = ctx.executor().schedule(() -> ctx.close(), px.config.headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
