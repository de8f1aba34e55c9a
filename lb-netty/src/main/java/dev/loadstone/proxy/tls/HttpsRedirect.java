package dev.loadstone.proxy.tls;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The plain listener of {@code redirect-listen}: every request is answered {@code 308 Permanent Redirect} to
 * {@code https://HOST[:PORT]/same/path?query} (the Host's name, the TLS listener's port, omitted when 443),
 * and the connection closes. A request without a usable Host gets 400. Idle connections close after the
 * header timeout.
 */
public final class HttpsRedirect extends ChannelInitializer<SocketChannel> {
  private final int httpsPort;
  private final Duration timeout;

  public HttpsRedirect(int httpsPort, Duration timeout) {
    this.httpsPort = httpsPort;
    this.timeout = timeout;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast(new ReadTimeoutHandler(timeout.toNanos(), TimeUnit.NANOSECONDS))
        .addLast(new HttpServerCodec(8192, 16384, 8192))
        .addLast(new Answer());
  }

  /** {@code https://name:port/target}, or null when the Host is missing or not a plain host[:port]. */
  String location(String host, String target) {
    if (host == null || host.isEmpty() || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f && "/?#@\\\"<>".indexOf(c) < 0)) {
      return null;
    }
    String name = host;
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      if (end < 0) {
        return null;
      }
      name = host.substring(0, end + 1);
    } else if (host.indexOf(':') >= 0) {
      name = host.substring(0, host.indexOf(':'));
    }
    String path = target.startsWith("/") ? target : "/";
    return "https://" + name + (httpsPort == 443 ? "" : ":" + httpsPort) + path;
  }

  private final class Answer extends SimpleChannelInboundHandler<HttpObject> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.read();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof HttpRequest req)) {
        return;
      }
      String to = req.decoderResult().isSuccess() ? location(req.headers().get(HttpHeaderNames.HOST), req.uri()) : null;
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          to == null ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.PERMANENT_REDIRECT);
      if (to != null) {
        r.headers().set(HttpHeaderNames.LOCATION, to);
      }
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a read timeout or a reset: nothing to answer
    }
  }
}
