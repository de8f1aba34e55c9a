package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Keep-alive connections to the backends, owned by one event loop and used only from it (no locks): the
 * client connections of that loop borrow from here, so a request and its backend connection share a
 * thread. Per backend address at most {@code maxIdle} idle connections are kept, each for at most the idle
 * timeout.
 */
final class BackendConnections {
  static final String CODEC = "http";
  static final String HANDLER = "backend";

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final int maxIdle;
  private final long idleTimeoutNanos;
  private final Map<String, ArrayDeque<Channel>> idle = new HashMap<>();
  private final ScheduledFuture<?> sweeper;
  private final io.netty.handler.ssl.SslContext tls; // null: plain HTTP to backends

  BackendConnections(EventLoop loop, Class<? extends SocketChannel> channelClass, ProxyConfig config,
      AddressResolverGroup<InetSocketAddress> resolver, io.netty.handler.ssl.SslContext tls) {
    this.loop = loop;
    this.maxIdle = config.poolMaxIdle();
    this.idleTimeoutNanos = config.poolIdleTimeout().toNanos();
    this.tls = tls;
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(channelClass)
            .resolver(resolver)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(CODEC, new BackendCodec())
                        .addLast(HANDLER, new BackendHandler());
                  }
                });
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), idleTimeoutNanos / 4));
    this.sweeper = loop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
  }

  /** An idle connection to {@code backend} if one is open, else a new connect. Call on this loop only. */
  ChannelFuture acquire(Backend backend) {
    assert loop.inEventLoop();
    ArrayDeque<Channel> q = idle.get(backend.address());
    while (q != null && !q.isEmpty()) {
      Channel ch = q.pollLast(); // most recently used: the least likely to have been closed by the backend
      if (ch.isActive()) {
        return ch.newSucceededFuture();
      }
    }
    // Unresolved, so that the non-blocking resolver (not the InetSocketAddress constructor) looks it up.
    ChannelFuture f = bootstrap.connect(InetSocketAddress.createUnresolved(backend.host(), backend.port()));
    if (tls != null) { // SNI and the hostname check need the backend's name, so the handler is made per connection
      f.channel().pipeline().addFirst("tls", tls.newHandler(f.channel().alloc(), backend.host(), backend.port()));
    }
    return f;
  }

  /** Keeps {@code ch} for reuse; it must have carried a complete, cleanly framed exchange. */
  void release(Backend backend, Channel ch) {
    assert loop.inEventLoop();
    BackendHandler h = (BackendHandler) ch.pipeline().get(HANDLER);
    if (!ch.isActive() || h == null) {
      ch.close();
      return;
    }
    ArrayDeque<Channel> q = idle.computeIfAbsent(backend.address(), k -> new ArrayDeque<>());
    if (q.size() >= maxIdle) {
      ch.close();
      return;
    }
    q.addLast(ch);
    h.park(ch.pipeline().context(HANDLER), this, backend.address(), System.nanoTime());
  }

  /**
   * Closes connections idle for longer than the idle timeout. Runs periodically on this loop (a sweep
   * instead of a timer per parked connection keeps scheduling off the per-request path); each deque is
   * ordered by park time, oldest first.
   */
  private void sweep() {
    long now = System.nanoTime();
    for (ArrayDeque<Channel> q : idle.values().toArray(new ArrayDeque[0])) {
      while (!q.isEmpty()) {
        Channel oldest = q.peekFirst();
        BackendHandler h = (BackendHandler) oldest.pipeline().get(HANDLER);
        if (h != null && now - h.parkedAtNanos() < idleTimeoutNanos) {
          break;
        }
        q.pollFirst();
        oldest.close();
      }
    }
  }

  void evict(String key, Channel ch) {
    ArrayDeque<Channel> q = idle.get(key);
    if (q != null) {
      q.remove(ch);
      if (q.isEmpty()) {
        idle.remove(key);
      }
    }
  }

  /** Idle connections currently kept to {@code backend} (for tests and metrics; call on this loop). */
  int idleCount(Backend backend) {
    ArrayDeque<Channel> q = idle.get(backend.address());
    return q == null ? 0 : q.size();
  }

  void closeAll() {
    sweeper.cancel(false);
    for (ArrayDeque<Channel> q : idle.values()) {
      for (Channel ch : q.toArray(new Channel[0])) {
        ch.close();
      }
    }
    idle.clear();
  }
}
