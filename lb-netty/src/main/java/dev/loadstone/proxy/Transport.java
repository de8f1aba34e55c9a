package dev.loadstone.proxy;

import dev.loadstone.health.LiteralsFirst;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The I/O transport ({@code transport}): {@code auto} is io_uring where it loads, else native epoll, else NIO;
 * {@code epoll} and {@code io_uring} asked for by name fail the start, saying why, where they cannot load
 * (io_uring needs Linux 5.14+, and {@code kernel.io_uring_disabled} or a container's seccomp profile may refuse
 * it); {@code nio} is the JDK's. io_uring is preferred because it measured faster here: it submits a loop's
 * reads and writes in batches, so a small request costs fewer system calls (benchmarks/README.md).
 */
record Transport(Kind kind, Class<? extends ServerSocketChannel> server, Class<? extends SocketChannel> client,
    Class<? extends DatagramChannel> datagram) {

  enum Kind {
    AUTO("auto"), EPOLL("epoll"), IO_URING("io_uring"), NIO("nio");

    final String text;

    Kind(String text) {
      this.text = text;
    }

    static Kind parse(String name) {
      for (Kind k : values()) {
        if (k.text.equals(name == null ? "" : name.toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new ConfigException("transport: '" + name + "' is not one of auto, epoll, io_uring, nio");
    }
  }

  static Transport choose(Kind wanted) {
    ioUringDefaults();
    switch (wanted) {
      case EPOLL:
        if (!Epoll.isAvailable()) {
          throw new ConfigException("transport: epoll does not load here: " + Epoll.unavailabilityCause());
        }
        return epoll();
      case IO_URING:
        if (!IoUring.isAvailable()) {
          throw new ConfigException("transport: io_uring does not load here: " + IoUring.unavailabilityCause());
        }
        return new Transport(Kind.IO_URING, IoUringServerSocketChannel.class, IoUringSocketChannel.class, IoUringDatagramChannel.class);
      case NIO:
        return nio();
      default:
        if (IoUring.isAvailable()) {
          return new Transport(Kind.IO_URING, IoUringServerSocketChannel.class, IoUringSocketChannel.class, IoUringDatagramChannel.class);
        }
        return Epoll.isAvailable() ? epoll() : nio();
    }
  }

  /**
   * Before io_uring's classes initialize (they read it once): max-connections stops accepting by turning autoRead
   * off on the listener, but a multishot accept stays armed and would take one more client, so io_uring accepts
   * one connection per submission (unless {@code -Dio.netty.iouring.acceptMultiShotEnabled} says otherwise).
   */
  static void ioUringDefaults() {
    if (System.getProperty("io.netty.iouring.acceptMultiShotEnabled") == null) {
      System.setProperty("io.netty.iouring.acceptMultiShotEnabled", "false");
    }
  }

  private static Transport epoll() {
    return new Transport(Kind.EPOLL, EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class);
  }

  private static Transport nio() {
    return new Transport(Kind.NIO, NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);
  }

  IoHandlerFactory ioHandlers() {
    switch (kind) {
      case EPOLL:
        return EpollIoHandler.newFactory();
      case IO_URING:
        return IoUringIoHandler.newFactory();
      default:
        return NioIoHandler.newFactory();
    }
  }

  /**
   * Backend names resolved without blocking an event loop (IP literals and /etc/hosts need no query; a loop
   * makes its DNS resolver only when it first meets a name, see {@link LiteralsFirst}). Under io_uring the
   * queries run on one epoll (or NIO) thread of their own: Netty 4.2.18's io_uring datagram channel leaks its
   * pending receive buffer when it closes. Closing the group stops that thread.
   */
  AddressResolverGroup<InetSocketAddress> resolver() {
    return new LiteralsFirst(this::dnsResolver);
  }

  private DnsAddressResolverGroup dnsResolver() {
    if (kind != Kind.IO_URING) {
      return new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(datagram).socketChannelType(client));
    }
    Transport side = Epoll.isAvailable() ? epoll() : nio();
    EventLoopGroup dns = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("loadstone-dns", true), side.ioHandlers());
    DnsNameResolverBuilder b = new DnsNameResolverBuilder(dns.next()).datagramChannelType(side.datagram).socketChannelType(side.client);
    return new DnsAddressResolverGroup(b) {
      @Override
      public void close() {
        try {
          super.close();
        } finally {
          dns.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
      }
    };
  }
}
