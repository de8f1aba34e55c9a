package dev.loadstone.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/** Binds the listening channel; a failure is one line naming the address. */
final class Listening {
  private Listening() {}

  /**
   * Binds and appends {@code acceptErrors} as the channel's last handler: after the bind Netty's acceptor is
   * in the pipeline (it is added before the bind runs), so accept failures reach it after the acceptor paused.
   */
  static Channel bind(ServerBootstrap sb, InetSocketAddress listen, AcceptErrors acceptErrors) {
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
}
