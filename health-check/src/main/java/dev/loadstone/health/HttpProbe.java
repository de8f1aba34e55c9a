package dev.loadstone.health;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.resolver.AddressResolverGroup;
import java.net.SocketAddress;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Sends one HTTP/1.1 request ({@code Connection: close}) and passes on an expected status and, when a body
 * substring is configured, on finding it within the first {@code maxBodyBytes} of the body: the rest of the
 * body is never read.
 */
final class HttpProbe extends NettyProbe {
  private final byte[] needle;
  private final io.netty.handler.ssl.SslContext tls; // null: plain HTTP

  HttpProbe(
      HealthCheckSettings settings,
      ChannelFactory<? extends Channel> channelFactory,
      AddressResolverGroup<? extends SocketAddress> resolver,
      Ticker ticker,
      Clock clock) {
    this(settings, channelFactory, resolver, ticker, clock, null);
  }

  HttpProbe(
      HealthCheckSettings settings,
      ChannelFactory<? extends Channel> channelFactory,
      AddressResolverGroup<? extends SocketAddress> resolver,
      Ticker ticker,
      Clock clock,
      io.netty.handler.ssl.SslContext tls) {
    super(settings, channelFactory, resolver, ticker, clock);
    this.tls = tls;
    needle = settings.bodyContains() == null ? null : settings.bodyContains().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  ChannelHandler handler(Backend backend, Attempt attempt) {
    String host = settings.hostHeader() != null ? settings.hostHeader() : backend.address();
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        if (tls != null) {
          ch.pipeline().addLast(tls.newHandler(ch.alloc(), backend.host(), backend.port()));
        }
        ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler(attempt, host));
      }
    };
  }

  @Override
  void connected(Attempt attempt) {
    // The request is written by ResponseHandler.channelActive.
  }

  private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Attempt attempt;
    private final String host;
    private int status;
    private byte[] body; // the bounded prefix, only when a substring is looked for
    private int bodyLength;

    ResponseHandler(Attempt attempt, String host) {
      this.attempt = attempt;
      this.host = host;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      FullHttpRequest req = new DefaultFullHttpRequest(
          HttpVersion.HTTP_1_1, HttpMethod.valueOf(settings.method()), settings.path(), Unpooled.EMPTY_BUFFER);
      req.headers()
          .set(HttpHeaderNames.HOST, host)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
          .set(HttpHeaderNames.USER_AGENT, "loadstone-health-check")
          .set(HttpHeaderNames.ACCEPT, "*/*");
      ctx.writeAndFlush(req).addListener(f -> {
        if (!f.isSuccess()) {
          attempt.fail(f.cause());
        }
      });
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (attempt.isFinished()) {
        return;
      }
      if (msg.decoderResult().isFailure()) {
        attempt.fail("invalid response: " + msg.decoderResult().cause().getMessage());
        return;
      }
      if (msg instanceof HttpResponse) {
        status = ((HttpResponse) msg).status().code();
        if (!settings.isExpectedStatus(status)) {
          attempt.fail("status " + status);
          return;
        }
        if (needle == null) {
          attempt.pass("status " + status);
          return;
        }
        body = new byte[settings.maxBodyBytes()];
      }
      if (msg instanceof HttpContent && body != null) {
        ByteBuf content = ((HttpContent) msg).content();
        int n = Math.min(content.readableBytes(), body.length - bodyLength);
        content.getBytes(content.readerIndex(), body, bodyLength, n);
        bodyLength += n;
        if (contains(body, bodyLength, needle)) {
          attempt.pass("status " + status + ", body matched");
        } else if (bodyLength == body.length || msg instanceof LastHttpContent) {
          attempt.fail("status " + status + ", body did not contain '" + settings.bodyContains() + "'"
              + (bodyLength == body.length ? " in its first " + body.length + " bytes" : ""));
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      attempt.fail("connection closed before a complete response");
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      attempt.fail(cause);
    }
  }

  static boolean contains(byte[] hay, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
