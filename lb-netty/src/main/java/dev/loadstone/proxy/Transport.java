package dev.loadstone.proxy;

import dev.loadstone.health.LiteralsFirst;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import java.net.InetSocketAddress;

/** The native epoll transport where it loads (unless refused), else NIO: its I/O handlers and channel classes. */
record Transport(boolean epoll, Class<? extends ServerSocketChannel> server, Class<? extends SocketChannel> client) {
  static Transport choose(boolean forceNio) {
    return Epoll.isAvailable() && !forceNio
        ? new Transport(true, EpollServerSocketChannel.class, EpollSocketChannel.class)
        : new Transport(false, NioServerSocketChannel.class, NioSocketChannel.class);
  }

  IoHandlerFactory ioHandlers() {
    return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /**
   * Backend names resolved without blocking an event loop (IP literals and /etc/hosts need no query; a loop
   * makes its DNS resolver only when it first meets a name, see {@link LiteralsFirst}).
   */
  AddressResolverGroup<InetSocketAddress> resolver() {
    return new LiteralsFirst(() -> new DnsAddressResolverGroup(new DnsNameResolverBuilder()
        .datagramChannelType(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .socketChannelType(client)));
  }
}
