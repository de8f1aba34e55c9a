package dev.loadstone.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The client connection's pipeline, assembled in one place: codec, idle timeout, the connection's logic (HTTP/2: {@link Http2Frontend}). */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
  static final String CODEC = "http";
  static final String IDLE = "idle";
  static final String PROXY = "proxy";

  private final ProxyContext px;
  private final ChannelGroup clients;
  private final ConnectionLimit limit;

  ProxyInitializer(ProxyContext px, ChannelGroup clients, ConnectionLimit limit) {
    this.px = px;
    this.clients = clients;
    this.limit = limit;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    clients.add(ch);
    limit.opened(ch);
    ProxyConfig c = px.config;
    ChannelPipeline p = ch.pipeline();
    if (c.http2().cleartext()) {
      p.addLast(Http2PriorKnowledge.NAME, new Http2PriorKnowledge(px)); // h2c: switches to Http2Frontend on the preface
    }
    p.addLast(CODEC, new ServerCodec(c.maxRequestLine(), c.maxHeaderSize(), c.maxBodySize(), c.headerTimeout()));
    p.addLast(IDLE, new IdleStateHandler(0, 0, c.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    p.addLast(PROXY, new ClientConnection(px));
  }
}
