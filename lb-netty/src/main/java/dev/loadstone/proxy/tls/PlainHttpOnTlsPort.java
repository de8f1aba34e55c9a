package dev.loadstone.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Looks at a TLS connection's first bytes: a TLS record goes on to the handshake (this handler removes
 * itself, passing the bytes on); anything else, a plain HTTP request mostly, is answered with nginx's
 * {@code 400 The plain HTTP request was sent to HTTPS port} and closed, instead of the TLS handler's
 * {@code NotSslRecordException}.
 */
final class PlainHttpOnTlsPort extends ByteToMessageDecoder {
  /** A TLS record header: content type, version, length. */
  private static final int RECORD_HEADER = 5;
  private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 48\r\n"
      + "connection: close\r\n\r\nThe plain HTTP request was sent to HTTPS port.\r\n").getBytes(StandardCharsets.US_ASCII);

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < RECORD_HEADER) {
      return;
    }
    if (SslHandler.isEncrypted(in, false)) {
      ctx.pipeline().remove(this);
      return;
    }
    in.skipBytes(in.readableBytes());
    ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
  }
}
