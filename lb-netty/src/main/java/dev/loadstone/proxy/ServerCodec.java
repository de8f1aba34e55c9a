package dev.loadstone.proxy;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The client side's HTTP/1.1 codec: the proxy's own strict {@link RequestDecoder} and Netty's response encoder,
 * told which responses answer a HEAD request (those have no body whatever their headers say).
 */
final class ServerCodec extends CombinedChannelDuplexHandler<RequestDecoder, ServerCodec.ResponseEncoder> {

  /** Fired when a request head did not arrive completely within the header timeout. */
  enum HeaderTimeout {
    INSTANCE
  }

  /** {@code maxBodySize} 0 means unlimited. */
  ServerCodec(int maxRequestLine, int maxHeaderSize, long maxBodySize, Duration headerTimeout) {
    ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
    init(new RequestDecoder(maxRequestLine, maxHeaderSize, maxBodySize, headerTimeout.toNanos(), methods), new ResponseEncoder(methods));
  }

  RequestDecoder decoder() {
    return inboundHandler();
  }

  /** Netty's encoder, with the request method each final response answers (queued by the decoder, in order). */
  static final class ResponseEncoder extends HttpResponseEncoder {
    private final ArrayDeque<HttpMethod> methods;

    ResponseEncoder(ArrayDeque<HttpMethod> methods) {
      this.methods = methods;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL && msg.status().code() != 101) {
        return super.isContentAlwaysEmpty(msg);
      }
      HttpMethod m = methods.poll();
      return HttpMethod.HEAD.equals(m) || super.isContentAlwaysEmpty(msg);
    }
  }
}
