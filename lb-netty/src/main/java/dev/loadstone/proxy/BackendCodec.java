package dev.loadstone.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A backend connection's HTTP/1.1 codec: Netty's request encoder and the proxy's strict {@link
 * ResponseDecoder}, which learns from the encoder which method each response answers (a HEAD response has no
 * body).
 */
final class BackendCodec extends CombinedChannelDuplexHandler<ResponseDecoder, BackendCodec.RequestEncoder> {

  BackendCodec() {
    ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);
    init(new ResponseDecoder(methods), new RequestEncoder(methods));
  }

  static final class RequestEncoder extends HttpRequestEncoder {
    private final ArrayDeque<HttpMethod> methods;

    RequestEncoder(ArrayDeque<HttpMethod> methods) {
      this.methods = methods;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
      if (msg instanceof HttpRequest) {
        methods.add(((HttpRequest) msg).method());
      }
      super.encode(ctx, msg, out);
    }
  }
}
