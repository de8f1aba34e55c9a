package dev.loadstone.bench.soak;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;

/**
 * One soak backend on loopback (Netty): {@code /small} answers its id, {@code /large?bytes=N} N bytes,
 * {@code /upload} the size of the body it got, {@code /ws} echoes WebSocket text, {@code /health} 200. {@link
 * #kill()} drops the listener and every connection at once, as a killed process would; {@link #start()} brings
 * it back on the same port.
 */
final class SoakOrigin {
  private static final byte[] LARGE = new byte[4 << 20];

  final String id;
  final int port;
  private final EventLoopGroup group;
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile Channel server;

  SoakOrigin(String id, int port, EventLoopGroup group) {
    this.id = id;
    this.port = port;
    this.group = group;
  }

  synchronized void start() {
    if (server != null) {
      return; // already running
    }
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            children.add(ch);
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                new WebSocketServerProtocolHandler("/ws"), new Handler(), new WsEcho());
          }
        }).bind("127.0.0.1", port).syncUninterruptibly().channel();
  }

  synchronized void kill() {
    if (server != null) {
      server.close().syncUninterruptibly();
      server = null;
      for (Channel c : children) {
        c.config().setOption(ChannelOption.SO_LINGER, 0); // reset, no goodbye
      }
      children.close().syncUninterruptibly();
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      QueryStringDecoder q = new QueryStringDecoder(req.uri());
      ByteBuf body;
      switch (q.path()) {
        case "/large":
          int n = Integer.parseInt(q.parameters().get("bytes").get(0));
          body = Unpooled.wrappedBuffer(LARGE, 0, Math.min(n, LARGE.length));
          break;
        case "/upload":
          body = Unpooled.copiedBuffer(Integer.toString(req.content().readableBytes()), StandardCharsets.US_ASCII);
          break;
        default:
          body = Unpooled.copiedBuffer(id, StandardCharsets.US_ASCII);
      }
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(r, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(r);
      } else {
        ctx.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      }
    }
  }

  private static final class WsEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
      ctx.writeAndFlush(new TextWebSocketFrame(f.text()));
    }
  }
}
