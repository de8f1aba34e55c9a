package dev.loadstone.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a client connection without destroying the proxy's last response to it. Closing a socket that still
 * has unread input makes the kernel send a RST, and a client that is still sending (a large body after a 413)
 * then gets ECONNRESET, often before it read the response. So once the last response is written, the write side
 * is shut down (the client reads the response, then EOF), and whatever the client still sends is read and
 * dropped, for at most {@value #LINGER_MILLIS} ms and {@value #LINGER_BYTES} bytes, before the close (Apache
 * httpd's lingering_close and nginx's lingering_close do the same).
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {
  static final long LINGER_MILLIS = 2000;
  static final int LINGER_BYTES = 1 << 20;

  private ScheduledFuture<?> deadline;
  private long drained;

  /** Lingers on {@code lastWrite}'s channel once that write completed (closes at once if it failed). */
  static void after(ChannelFuture lastWrite) {
    lastWrite.addListener(
        (ChannelFutureListener)
            f -> {
              Channel ch = f.channel();
              if (!f.isSuccess() || !ch.isActive() || !(ch instanceof DuplexChannel)) {
                ch.close();
              } else {
                start(ch);
              }
            });
  }

  private static void start(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (p.get(LingeringClose.class) != null) {
      return;
    }
    LingeringClose l = new LingeringClose();
    p.addLast("linger", l);
    // Nothing is parsed or answered any more; the codec hands what it buffered to this handler.
    for (String name : new String[] {ProxyInitializer.PROXY, ProxyInitializer.IDLE, ProxyInitializer.CODEC}) {
      if (p.get(name) != null) {
        p.remove(name);
      }
    }
    l.deadline = ch.eventLoop().schedule(() -> {
      ch.close();
    }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    ((DuplexChannel) ch).shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    ch.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      drained += ((ByteBuf) msg).readableBytes();
    }
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (drained > LINGER_BYTES) {
      ctx.close();
    } else {
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    ReferenceCountUtil.release(evt); // input shutdown, idle: nothing to do but wait for the close
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
