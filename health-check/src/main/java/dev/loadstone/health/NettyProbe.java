package dev.loadstone.health;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Ticker;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Shared mechanics of the Netty probes: connect on the given event loop (to the check port when one is
 * set), enforce one timeout over connect and exchange, and finish exactly once, closing the channel.
 */
abstract class NettyProbe implements Probe {
  final HealthCheckSettings settings;
  private final ChannelFactory<? extends Channel> channelFactory;
  private final AddressResolverGroup<? extends SocketAddress> resolver;
  private final Ticker ticker;
  private final Clock clock;

  NettyProbe(
      HealthCheckSettings settings,
      ChannelFactory<? extends Channel> channelFactory,
      AddressResolverGroup<? extends SocketAddress> resolver,
      Ticker ticker,
      Clock clock) {
    this.settings = settings;
    this.channelFactory = channelFactory;
    this.resolver = resolver;
    this.ticker = ticker;
    this.clock = clock;
  }

  /** One check in progress; everything runs on its event loop. */
  final class Attempt {
    private final long startNanos = ticker.read();
    private final Consumer<CheckResult> done;
    private boolean finished;
    private Channel channel;
    private ScheduledFuture<?> timer;

    Attempt(Consumer<CheckResult> done) {
      this.done = done;
    }

    void pass(String detail) {
      finish(true, detail);
    }

    void fail(String detail) {
      finish(false, detail);
    }

    void fail(Throwable cause) {
      finish(false, describe(cause));
    }

    boolean isFinished() {
      return finished;
    }

    private void finish(boolean passed, String detail) {
      if (finished) {
        return;
      }
      finished = true;
      if (timer != null) {
        timer.cancel(false);
      }
      if (channel != null) {
        channel.close();
      }
      Duration took = Duration.ofNanos(Math.max(0L, ticker.read() - startNanos));
      done.accept(new CheckResult(passed, detail, took, clock.instant()));
    }
  }

  @Override
  public final void check(Backend backend, EventLoop loop, Consumer<CheckResult> done) {
    Attempt attempt = new Attempt(done);
    int port = settings.port() == 0 ? backend.port() : settings.port();
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channelFactory(channelFactory)
        .resolver(resolver)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, settings.timeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(handler(backend, attempt));
    long timeoutNanos = settings.timeout().toNanos();
    attempt.timer = loop.schedule(
        () -> attempt.fail("timeout after " + HealthStateMachine.format(settings.timeout())), timeoutNanos, TimeUnit.NANOSECONDS);
    // Unresolved, so that the non-blocking resolver (not the InetSocketAddress constructor) looks it up;
    // an IP literal needs no query.
    ChannelFuture f = b.connect(InetSocketAddress.createUnresolved(backend.host(), port));
    attempt.channel = f.channel();
    if (attempt.finished) {
      f.channel().close();
      return;
    }
    f.addListener((ChannelFuture cf) -> {
      if (!cf.isSuccess()) {
        attempt.fail(cf.cause());
      } else {
        connected(attempt);
      }
    });
  }

  /** The pipeline of a check connection. */
  abstract ChannelHandler handler(Backend backend, Attempt attempt);

  /** Called on the event loop once the connection is up. */
  abstract void connected(Attempt attempt);

  static String describe(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return "connect timeout";
    }
    if (cause instanceof ConnectException) {
      String m = String.valueOf(cause.getMessage());
      return m.toLowerCase(java.util.Locale.ROOT).contains("refused") ? "connect refused" : "connect failed: " + m;
    }
    String m = cause.getMessage();
    return cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
