package dev.loadstone.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Relays bytes to the peer channel, reading the next chunk only after the previous one was written
 * (Netty's HexDumpProxy pattern); used for WebSocket tunnels after the backend's 101. When this side closes,
 * the peer is flushed and closed; {@code onClose} runs once when this side closes.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final Runnable onClose;

  RelayHandler(Channel peer, Runnable onClose) {
    this.peer = peer;
    this.onClose = onClose;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof io.netty.buffer.ByteBuf)) {
      io.netty.util.ReferenceCountUtil.release(msg); // the tail of the HTTP exchange that set up the tunnel
      return;
    }
    if (!peer.isActive()) {
      io.netty.util.ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    peer.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    f.channel().close();
                    ctx.close();
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(peer);
    if (onClose != null) {
      onClose.run();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeOnFlush(ctx.channel());
  }

  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
