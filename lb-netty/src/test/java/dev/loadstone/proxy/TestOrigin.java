package dev.loadstone.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 origin on loopback that answers with its own id. Paths: {@code /slow?ms=N} answers
 * after N ms, {@code /upload} counts the streamed body, {@code /download?bytes=N} streams N bytes,
 * {@code /status?code=N} answers N without body, {@code /headers} echoes the request headers,
 * {@code /close} answers with Connection: close, {@code /echo} answers with the request target, {@code /ws} is a WebSocket echo.
 */
final class TestOrigin implements AutoCloseable {
  final String id;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  /** Bytes of /download bodies written so far (a download that stops growing is held back by its reader). */
  final java.util.concurrent.atomic.AtomicLong downloaded = new java.util.concurrent.atomic.AtomicLong();
  final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final EventLoopGroup group;
  private final Channel server;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** A request as the origin received it. */
  record Seen(HttpMethod method, String uri, HttpHeaders headers) {}

  private TestOrigin(String id, String host, int port, io.netty.handler.ssl.SslContext tls) {
    this.id = id;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    children.add(ch);
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline().addLast(new HttpServerCodec()).addLast(new Handler());
                  }
                })
            .bind(host, port)
            .syncUninterruptibly()
            .channel();
  }

  /** An origin that speaks TLS with {@code tls} (a server context). */
  static TestOrigin startTls(String id, io.netty.handler.ssl.SslContext tls) {
    return new TestOrigin(id, "127.0.0.1", 0, tls);
  }

  static TestOrigin start(String id) {
    return new TestOrigin(id, "127.0.0.1", 0, null);
  }

  /** Starts again on a given port (after {@link #close()}), e.g. to bring a killed backend back. */
  static TestOrigin start(String id, int port) {
    return new TestOrigin(id, "127.0.0.1", port, null);
  }

  /** On another loopback address (127.0.0.2, ...): two origins on one port, as DNS A records give them. */
  static TestOrigin start(String id, String host, int port) {
    return new TestOrigin(id, host, port, null);
  }

  int port() {
    return ((java.net.InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connections currently open to this origin. */
  int openConnections() {
    return children.size();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    server.close().syncUninterruptibly();
    children.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private HttpRequest request;
    private long uploaded;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest) {
        request = (HttpRequest) msg;
        uploaded = 0;
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals("/ws")) {
          ctx.pipeline().addLast(new HttpObjectAggregator(65536));
          ctx.pipeline().addLast(new WebSocketServerProtocolHandler("/ws"));
          ctx.pipeline().addLast(new io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator(1 << 20));
          ctx.pipeline().addLast(new WsEcho());
          ctx.pipeline().remove(this);
          ctx.fireChannelRead(io.netty.util.ReferenceCountUtil.retain(msg));
          return;
        }
        requests.incrementAndGet();
        inFlight.incrementAndGet();
        seen.add(new Seen(request.method(), request.uri(), new DefaultHttpHeaders().add(request.headers())));
      }
      if (msg instanceof HttpContent) {
        uploaded += ((HttpContent) msg).content().readableBytes();
      }
      if (msg instanceof LastHttpContent && request != null) {
        respond(ctx, request, uploaded);
        request = null;
      }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest req, long uploaded) {
      QueryStringDecoder q = new QueryStringDecoder(req.uri());
      Map<String, List<String>> params = q.parameters();
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      switch (q.path()) {
        case "/slow":
          ctx.executor().schedule(() -> text(ctx, req, 200, id, keepAlive), Long.parseLong(params.get("ms").get(0)), TimeUnit.MILLISECONDS);
          return;
        case "/upload":
          text(ctx, req, 200, id + ":" + uploaded, keepAlive);
          return;
        case "/download":
          download(ctx, Long.parseLong(params.get("bytes").get(0)), keepAlive);
          return;
        case "/status": {
          int code = Integer.parseInt(params.get("code").get(0));
          FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
          if (code == 304) {
            r.headers().set(HttpHeaderNames.ETAG, "\"v1\"");
          }
          done(ctx, r, keepAlive);
          return;
        }
        case "/headers": {
          StringBuilder sb = new StringBuilder();
          req.headers().forEach(e -> sb.append(e.getKey().toLowerCase(java.util.Locale.ROOT)).append(": ").append(e.getValue()).append('\n'));
          text(ctx, req, 200, sb.toString(), keepAlive);
          return;
        }
        case "/close":
          text(ctx, req, 200, id, false);
          return;
        case "/echo":
          text(ctx, req, 200, req.uri(), keepAlive);
          return;
        case "/chunked": {
          HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          HttpUtil.setTransferEncodingChunked(r, true);
          ctx.write(r);
          ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(id + "-a", StandardCharsets.UTF_8)));
          ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("-b", StandardCharsets.UTF_8)));
          inFlight.decrementAndGet();
          ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
          return;
        }
        default:
          text(ctx, req, 200, id, keepAlive);
      }
    }

    private void text(ChannelHandlerContext ctx, HttpRequest req, int code, String body, boolean keepAlive) {
      ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), content);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      r.headers().set("x-origin", id);
      done(ctx, r, keepAlive);
    }

    private void done(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
      inFlight.decrementAndGet();
      if (!keepAlive) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(r);
      }
    }

    private void download(ChannelHandlerContext ctx, long bytes, boolean keepAlive) {
      HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      HttpUtil.setContentLength(r, bytes);
      ctx.write(r);
      writeChunk(ctx, bytes, keepAlive);
    }

    private void writeChunk(ChannelHandlerContext ctx, long left, boolean keepAlive) {
      if (left == 0) {
        inFlight.decrementAndGet();
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
            .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        return;
      }
      int n = (int) Math.min(64 * 1024, left);
      ByteBuf b = ctx.alloc().buffer(n);
      b.writerIndex(n); // content does not matter, the count does
      ctx.writeAndFlush(new DefaultHttpContent(b))
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      downloaded.addAndGet(n);
                      writeChunk(ctx, left - n, keepAlive);
                    } else {
                      ctx.close();
                    }
                  });
    }
  }

  private final class WsEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      ctx.writeAndFlush(new TextWebSocketFrame(id + ":" + frame.text()));
    }
  }
}
