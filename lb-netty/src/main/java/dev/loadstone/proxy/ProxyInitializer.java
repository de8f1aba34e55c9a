package dev.loadstone.proxy;

import dev.loadstone.proxy.tls.HstsHandler;
import dev.loadstone.proxy.tls.ServerTls;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The client connection's pipeline, assembled in one place: with TLS, the TLS handlers first and, once ALPN
 * settled, {@link #protocolSelected} (h2: {@link Http2Frontend}); then (or at once, without TLS) the HTTP/1.1
 * pipeline: codec, idle timeout, the connection's logic, behind the h2c preface check when h2c is on.
 */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
  static final String CODEC = "http";
  static final String IDLE = "idle";
  static final String PROXY = "proxy";

  private final ProxyContext px;
  private final ChannelGroup clients;
  private final ConnectionLimit limit;
  private final ServerTls tls; // null: plain HTTP
  private final HstsHandler hsts; // null: no HSTS header

  ProxyInitializer(ProxyContext px, ChannelGroup clients, ConnectionLimit limit, ServerTls tls) {
    this.px = px;
    this.clients = clients;
    this.limit = limit;
    this.tls = tls;
    this.hsts = tls != null && px.config.tls().hsts() != null ? new HstsHandler(px.config.tls().hsts()) : null;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    clients.add(ch);
    limit.opened(ch);
    if (tls == null) {
      if (px.config.http2().cleartext()) { // h2c: switches to Http2Frontend on the preface
        ch.pipeline().addLast(Http2PriorKnowledge.NAME, new Http2PriorKnowledge(px));
      }
      addHttp1(ch.pipeline());
    } else {
      tls.addHandlers(ch.pipeline(), this::protocolSelected);
    }
  }

  /** ALPN settled on {@code protocol} (or the client offered none: {@code http/1.1}). */
  void protocolSelected(ChannelHandlerContext ctx, String protocol) {
    ChannelPipeline p = ctx.pipeline();
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      Http2Frontend.install(p, px, hsts);
      return;
    }
    if (!ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
      throw new IllegalStateException("ALPN selected " + protocol + " (expected: h2 or http/1.1)");
    }
    addHttp1(p);
    if (hsts != null) {
      p.addAfter(CODEC, HstsHandler.NAME, hsts);
    }
  }

  /** What ALPN offers clients, in order of preference: h2 first unless {@code http2: false}. */
  static java.util.List<String> alpnProtocols(ProxyConfig c) {
    return c.http2().enabled()
        ? java.util.List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
        : java.util.List.of(ApplicationProtocolNames.HTTP_1_1);
  }

  /** The HTTP/1.1 pipeline, at the end of {@code p}. */
  private void addHttp1(ChannelPipeline p) {
    ProxyConfig c = px.config;
    p.addLast(CODEC, new ServerCodec(c.maxRequestLine(), c.maxHeaderSize(), c.maxBodySize(), c.headerTimeout()));
    p.addLast(IDLE, new IdleStateHandler(0, 0, c.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    p.addLast(PROXY, new ClientConnection(px));
  }
}
