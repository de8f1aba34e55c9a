package dev.loadstone.health;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Keeps a {@link BackendPool}'s health current: runs active checks on Netty event loops (one timer per
 * backend, no thread per backend), takes passive exchange outcomes through {@link OutlierDetector}, and
 * reports each backend's combined health through {@link BackendPool#setHealth}. It follows the pool's
 * membership: backends added to the pool (normally with {@code Health.DOWN}) are checked at once and come
 * UP after {@code rise} passing checks; removed ones stop being checked.
 *
 * <p>Backends already in the pool when {@link #start()} runs keep the health they have (normally UP, so a
 * proxy serves from its first second) and are checked at once.
 */
public interface HealthChecker extends OutlierDetector, AutoCloseable {

  static Builder builder(BackendPool pool, EventLoopGroup group) {
    return new Builder(pool, group);
  }

  /** Starts checking every backend in the pool, and every backend added later. Idempotent. */
  void start();

  HealthCheckSettings settings();

  /** The latest finished active check of a backend, if any. */
  Optional<CheckResult> lastCheck(String backendId);

  /**
   * Why the backend has its health now, since when, and until when an ejection holds it out; empty for a
   * backend that is not checked (not in the pool, or before {@link #start()}).
   */
  Optional<HealthStatus> status(String backendId);

  /** True while passive outlier detection holds the backend out. */
  boolean isEjected(String backendId);

  /** Stops all checks (in-progress ones finish silently); the pool keeps its last reported health. */
  @Override
  void close();

  /** Builds a {@link HealthChecker}; each option may be set once. */
  final class Builder {
    final BackendPool pool;
    final EventLoopGroup group;
    HealthCheckSettings settings;
    ChannelFactory<? extends Channel> channelFactory;
    AddressResolverGroup<? extends SocketAddress> resolver;
    Ticker ticker;
    Clock clock;
    RandomGenerator random;
    HealthObserver observer;
    io.netty.handler.ssl.SslContext tls;

    private Builder(BackendPool pool, EventLoopGroup group) {
      this.pool = Objects.requireNonNull(pool, "pool");
      this.group = Objects.requireNonNull(group, "group");
    }

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    public Builder settings(HealthCheckSettings s) {
      once(settings, "settings");
      settings = Objects.requireNonNull(s, "settings");
      return this;
    }

    /** How check connections are made (default NIO); pass the proxy's epoll factory to share its transport. */
    public Builder channelFactory(ChannelFactory<? extends Channel> f) {
      once(channelFactory, "channelFactory");
      channelFactory = Objects.requireNonNull(f, "channelFactory");
      return this;
    }

    /**
     * How backend host names are looked up (default: Netty's non-blocking DNS resolver over NIO datagrams,
     * closed with the checker). Never a blocking resolver: checks run on event loops.
     */
    public Builder resolver(AddressResolverGroup<? extends SocketAddress> r) {
      once(resolver, "resolver");
      resolver = Objects.requireNonNull(r, "resolver");
      return this;
    }

    /** Time for ejection bookkeeping and check durations (default: the pool's ticker). */
    public Builder ticker(Ticker t) {
      once(ticker, "ticker");
      ticker = Objects.requireNonNull(t, "ticker");
      return this;
    }

    /** Wall-clock time stamped on check results (default UTC system clock). */
    public Builder clock(Clock c) {
      once(clock, "clock");
      clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** The source of interval jitter (default a fresh {@code L64X128MixRandom}). */
    public Builder random(RandomGenerator r) {
      once(random, "random");
      random = Objects.requireNonNull(r, "random");
      return this;
    }

    public Builder observer(HealthObserver o) {
      once(observer, "observer");
      observer = Objects.requireNonNull(o, "observer");
      return this;
    }

    /** HTTP checks over TLS with this client context (SNI and hostname verification use the backend's host). */
    public Builder tls(io.netty.handler.ssl.SslContext context) {
      once(tls, "tls");
      tls = Objects.requireNonNull(context, "tls");
      return this;
    }

    public HealthChecker build() {
      return new DefaultHealthChecker(this);
    }
  }

  /** The default channel factory: NIO sockets. */
  static ChannelFactory<? extends Channel> nio() {
    return NioSocketChannel::new;
  }

  /** Netty's non-blocking DNS resolver over NIO (the default event loops are NIO), made only for names. */
  static AddressResolverGroup<InetSocketAddress> dns() {
    return new LiteralsFirst(() -> new DnsAddressResolverGroup(
        new DnsNameResolverBuilder().datagramChannelType(NioDatagramChannel.class).socketChannelType(NioSocketChannel.class)));
  }
}
