package dev.loadstone.proxy.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns one aggregated admin request into one response through {@link AdminApi}. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  private final AdminApi api;

  AdminHandler(AdminApi api) {
    this.api = api;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    AdminApi.Response r;
    if (req.decoderResult().isFailure()) {
      r = AdminApi.error(HttpResponseStatus.BAD_REQUEST, "request", "malformed HTTP request");
    } else {
      try {
        r = api.handle(req.method(), req.uri(), req.headers(), req.content());
      } catch (RuntimeException e) {
        log.error("admin request {} {} failed", req.method(), req.uri(), e);
        r = AdminApi.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "request", "internal error: " + e);
      }
    }
    FullHttpResponse res = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, r.status, Unpooled.wrappedBuffer(r.body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType);
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    r.headers.forEach((k, v) -> res.headers().set(k, v));
    if (r.status.code() != 204) { // RFC 9110 8.6: no Content-Length in a 204
      HttpUtil.setContentLength(res, r.body.length);
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
    HttpUtil.setKeepAlive(res, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(res);
    } else {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("admin connection failed", cause);
    ctx.close();
  }
}
