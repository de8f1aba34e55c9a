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
 * settled, {@link #protocolSelected}; then (or at once, without TLS) the HTTP/1.1 pipeline: codec, idle
 * timeout, the connection's logic.
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

  ProxyInitializer(ProxyContext px, ChannelGroup clients, ConnectionLimit limit) {
    this(px, clients, limit, null);
  }

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
      addHttp1(ch.pipeline());
    } else {
      tls.addHandlers(ch.pipeline(), this::protocolSelected);
    }
  }

  /**
   * What ALPN offers TLS clients, in order of preference. HTTP/2 plugs in here and in {@link #protocolSelected}:
   * offer {@code h2} first when the http2 setting is on. Today: {@code http/1.1} only.
   */
  static java.util.List<String> alpnProtocols(ProxyConfig config) {
    return java.util.List.of(ApplicationProtocolNames.HTTP_1_1);
  }

  /**
   * ALPN settled on {@code protocol} (or the client offered none: {@code http/1.1}), on the TLS connection's
   * event loop, once per connection. HTTP/2 PLUGS IN HERE: for {@code h2}, install the HTTP/2 pipeline instead
   * (its stream channels find the handshake with {@code TlsInfo.of}). Today only HTTP/1.1 is offered.
   */
  void protocolSelected(ChannelHandlerContext ctx, String protocol) {
    if (!ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
      throw new IllegalStateException("ALPN selected " + protocol + " (expected: http/1.1)");
    }
    ChannelPipeline p = ctx.pipeline();
    addHttp1(p);
    if (hsts != null) {
      p.addAfter(CODEC, HstsHandler.NAME, hsts);
    }
  }

  /** The HTTP/1.1 pipeline, at the end of {@code p}. */
  private void addHttp1(ChannelPipeline p) {
    ProxyConfig c = px.config;
    p.addLast(CODEC, new ServerCodec(c.maxRequestLine(), c.maxHeaderSize(), c.maxBodySize(), c.headerTimeout()));
    p.addLast(IDLE, new IdleStateHandler(0, 0, c.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    p.addLast(PROXY, new ClientConnection(px));
  }
}
