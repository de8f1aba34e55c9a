package dev.loadstone.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/** Binds the listening channel (backlog 1024, clients read on demand, no Nagle); a failure is one line naming the address. */
final class Listening {
  private Listening() {}

  /**
   * Binds and appends {@code acceptErrors} as the channel's last handler: after the bind Netty's acceptor is
   * in the pipeline (it is added before the bind runs), so accept failures reach it after the acceptor paused.
   */
  static Channel bind(EventLoopGroup group, Class<? extends ServerSocketChannel> type, ChannelHandler clients,
      InetSocketAddress listen, AcceptErrors acceptErrors) {
    ServerBootstrap sb = new ServerBootstrap()
        .group(group)
        .channel(type)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(clients);
    try {
      Channel ch = sb.bind(listen).syncUninterruptibly().channel();
      ch.pipeline().addLast(acceptErrors);
      return ch;
    } catch (Exception e) { // bind failures arrive as (sneaky) checked exceptions
      String where = "listen " + listen.getHostString() + ":" + listen.getPort();
      if (e instanceof BindException || e.getCause() instanceof BindException || String.valueOf(e.getMessage()).contains("in use")) {
        throw new UncheckedIOException(where + ": address already in use", new BindException(e.getMessage()));
      }
      throw new UncheckedIOException(where + ": cannot bind (" + e.getMessage() + ")", new IOException(e));
    }
  }

  /** The plain {@code redirect-listen} listener answering 308 to https on {@code httpsPort}; its bind errors name it. */
  static Channel bindRedirect(EventLoopGroup group, Class<? extends ServerSocketChannel> type, ProxyConfig config, int httpsPort) {
    try {
      return bind(group, type, new dev.loadstone.proxy.tls.HttpsRedirect(httpsPort, config.headerTimeout()),
          config.tls().redirectListen(), new AcceptErrors(dev.loadstone.lb.Ticker.system(), AcceptErrors.INTERVAL));
    } catch (UncheckedIOException e) { // "listen HOST:PORT: ..." becomes "redirect-listen HOST:PORT: ..."
      throw new UncheckedIOException("redirect-" + e.getMessage(), e.getCause());
    }
  }
}
