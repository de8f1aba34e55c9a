package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The responses the proxy produces itself: a one-line plain-text body {@code <code> <reason>: <cause>}, never
 * cached, and {@code Retry-After} on 503; and the status and cause for each way an exchange can fail.
 */
final class ErrorResponses {
  private ErrorResponses() {}

  static FullHttpResponse of(ByteBufAllocator alloc, int code, String cause, boolean close) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(code);
    ByteBuf body = ByteBufUtil.writeUtf8(alloc, code + " " + status.reasonPhrase() + ": " + oneLine(cause) + "\n");
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    HttpHeaders h = r.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (code == 503) {
      h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, ProxyConfig.DEFAULT_RETRY_AFTER.getSeconds())));
    }
    if (close) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return r;
  }

  /**
   * The status and text for an exchange whose last attempt failed with {@code cause}; {@code detail} says more
   * (why the connect failed, what was invalid in the response), or is null.
   */
  record Failure(int status, String text) {}

  static Failure forFailure(FailureCause cause, String detail, Backend backend, ProxyConfig config, int attempts) {
    String who = backend == null ? "the backend" : "backend " + backend.id() + " (" + backend.address() + ")";
    Failure f;
    switch (cause == null ? FailureCause.RESET : cause) {
      case CONNECT_TIMEOUT:
        f = new Failure(504, who + " did not accept a connection within " + Durations.format(config.connectTimeout()));
        break;
      case RESPONSE_TIMEOUT:
        f = new Failure(504, who + " did not respond within " + Durations.format(config.responseTimeout()));
        break;
      case CONNECT_FAILED:
        f = new Failure(502, who + (detail != null ? ": " + detail : " refused the connection"));
        break;
      case INVALID_RESPONSE:
        f = new Failure(502, who + " sent an invalid response" + (detail == null ? "" : " (" + detail + ")"));
        break;
      default:
        f = new Failure(502, who + " closed the connection before responding");
        break;
    }
    return attempts > 1 ? new Failure(f.status(), f.text() + " (after " + attempts + " attempts)") : f;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "invalid syntax";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
