package dev.loadstone.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Loads and initializes, on a thread of its own, the Netty and Micrometer classes that the start needs after
 * the flags and the config file are read, while the main thread reads them: a JVM started without a class
 * data archive spends most of its start loading classes, and the machine has a second core for it. It only
 * loads classes and makes throwaway objects (a registry with two meters, a buffer of the default allocator,
 * the native transport's library, as the start would): nothing of it is kept or visible. Only what comes
 * before the proxy's port is bound: the JVM meters are bound after it ({@code ProxyOperations.start()}).
 *
 * <p>{@link #await} before the main thread goes on to Netty and Micrometer itself: the main thread never
 * initializes their classes while this thread does (two threads that initialize classes whose static
 * initializers refer to each other, from opposite ends, can deadlock).
 */
final class Warmup {
  private static final String[] CLASSES = {
    "io.netty.channel.MultiThreadIoEventLoopGroup",
    "io.netty.channel.uring.IoUringIoHandler",
    "io.netty.channel.uring.IoUringServerSocketChannel",
    "io.netty.channel.uring.IoUringSocketChannel",
    "io.netty.channel.epoll.EpollIoHandler",
    "io.netty.channel.epoll.EpollServerSocketChannel",
    "io.netty.channel.epoll.EpollSocketChannel",
    "io.netty.channel.nio.NioIoHandler",
    "io.netty.channel.socket.nio.NioServerSocketChannel",
    "io.netty.channel.socket.nio.NioSocketChannel",
    "io.netty.bootstrap.ServerBootstrap",
    "io.netty.bootstrap.Bootstrap",
    "io.netty.channel.group.DefaultChannelGroup",
    "io.netty.util.concurrent.GlobalEventExecutor",
    "io.netty.handler.codec.http.HttpServerCodec",
    "io.netty.handler.codec.http.HttpObjectAggregator",
    "io.netty.handler.codec.http.DefaultFullHttpResponse",
    "io.netty.handler.codec.http.HttpHeaderNames",
    "io.netty.handler.codec.http.HttpHeaderValues",
    "io.netty.handler.timeout.IdleStateHandler",
    "io.netty.resolver.dns.DnsNameResolver",
    "io.netty.resolver.dns.DnsAddressResolverGroup",
    "io.netty.resolver.dns.DnsServerAddressStreamProviders",
    "org.HdrHistogram.Histogram",
  };

  private Warmup() {}

  /** Starts the warm-up (a daemon thread: it never holds the JVM up). */
  static Thread start() {
    Thread t = new Thread(Warmup::run, "lb-proxy-warmup");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits until {@code warmup} (may be null: nothing to wait for) has finished. */
  static void await(Thread warmup) throws InterruptedException {
    if (warmup != null) {
      warmup.join();
    }
  }

  private static void run() {
    try {
      // java.net first: loading a native transport holds the JDK's native-library lock while its JNI_OnLoad
      // initializes InetAddress, and InetAddress's own initializer (on the main thread, for the flags' addresses)
      // loads a library too: the two threads, each holding what the other waits for, would never go on.
      InetAddress.getLoopbackAddress();
      Transport.ioUringDefaults(); // before io_uring's classes read it
      if (!IoUring.isAvailable()) { // the native library, as Transport.choose would load it
        Epoll.isAvailable();
      }
      ByteBufAllocator.DEFAULT.buffer(16).release();
      ClassLoader loader = Warmup.class.getClassLoader();
      for (String name : CLASSES) {
        Class.forName(name, true, loader);
      }
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Counter.builder("warmup").tag("a", "b").register(registry).increment();
      Timer.builder("warmup.time").serviceLevelObjectives(Duration.ofMillis(1)).register(registry).record(Duration.ofMillis(1));
      registry.close();
    } catch (Throwable e) { // LinkageError included: the start then meets (and reports) it itself
      // nothing: a warm-up that fails only leaves the work to the main thread
    }
  }
}
