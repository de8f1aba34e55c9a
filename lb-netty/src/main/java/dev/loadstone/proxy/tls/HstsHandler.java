package dev.loadstone.proxy.tls;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;

/** Adds {@code Strict-Transport-Security} (the {@code hsts} setting) to every final response on a TLS connection. */
@ChannelHandler.Sharable
public final class HstsHandler extends ChannelOutboundHandlerAdapter {
  public static final String NAME = "hsts";
  private static final AsciiString HEADER = AsciiString.cached("strict-transport-security");
  private final String value;

  public HstsHandler(String value) {
    this.value = value;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      r.headers().set(HEADER, value);
    }
    ctx.write(msg, promise);
  }
}
