package dev.loadstone.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/2 client (Netty's frame codec and multiplexer, h2c with prior knowledge): one connection, a stream
 * per request; each response is aggregated, or the stream's reset is its result.
 */
final class H2Client implements AutoCloseable {
  /** A response as the client received it. */
  record Response(int status, HttpHeaders headers, String body) {}

  /** The server reset the stream. */
  static final class StreamReset extends RuntimeException {
    final long errorCode;

    StreamReset(long errorCode) {
      super("stream reset with error code " + errorCode);
      this.errorCode = errorCode;
    }
  }

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final Channel parent;
  final CompletableFuture<Long> goAway = new CompletableFuture<>();

  H2Client(InetSocketAddress proxy) {
    this(proxy, Http2Settings.defaultSettings());
  }

  H2Client(InetSocketAddress proxy, Http2Settings settings) {
    parent = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(settings).build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()), new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2GoAwayFrame) {
                      goAway.complete(((Http2GoAwayFrame) msg).errorCode());
                    }
                    ReferenceCountUtil.release(msg);
                  }
                });
          }
        })
        .connect(proxy).syncUninterruptibly().channel();
  }

  /** Grows the connection's receive window (so one stalled stream cannot stall the others through it). */
  void growConnectionWindow(int bytes) {
    parent.writeAndFlush(new DefaultHttp2WindowUpdateFrame(bytes)).syncUninterruptibly();
  }

  static FullHttpRequest request(HttpMethod method, String path, String body) {
    ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, content);
    r.headers().set("host", "proxy.test");
    if (body != null) {
      r.headers().setInt("content-length", content.readableBytes());
    }
    return r;
  }

  CompletableFuture<Response> get(String path) {
    return send(request(HttpMethod.GET, path, null));
  }

  /** Opens a stream and writes {@code parts} (a head, then contents) on it. */
  CompletableFuture<Response> send(Object... parts) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    Http2StreamChannel ch = open(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel c) {
        c.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(64 << 20),
            new Collector(result));
      }
    });
    for (Object p : parts) {
      ch.write(p);
    }
    ch.flush();
    return result;
  }

  /** Opens a stream whose response body is counted as it is read; {@code autoRead} false: never read (no WINDOW_UPDATE). */
  Http2StreamChannel openCounting(boolean autoRead, AtomicLong bytes) {
    return open(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel c) {
        c.config().setAutoRead(autoRead);
        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http2.Http2DataFrame) {
              bytes.addAndGet(((io.netty.handler.codec.http2.Http2DataFrame) msg).content().readableBytes());
            }
            ReferenceCountUtil.release(msg);
          }
        });
      }
    });
  }

  private Http2StreamChannel open(ChannelInitializer<Http2StreamChannel> init) {
    return new Http2StreamChannelBootstrap(parent).handler(init).open().syncUninterruptibly().getNow();
  }

  @Override
  public void close() {
    parent.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Collector extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Response> result;

    Collector(CompletableFuture<Response> result) {
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpResponse r) {
        if (r.status().code() >= 200) {
          result.complete(new Response(r.status().code(), r.headers().copy(), r.content().toString(StandardCharsets.UTF_8)));
        }
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof Http2ResetFrame) {
        result.completeExceptionally(new StreamReset(((Http2ResetFrame) evt).errorCode()));
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IllegalStateException("stream closed without a response"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }
  }
}
