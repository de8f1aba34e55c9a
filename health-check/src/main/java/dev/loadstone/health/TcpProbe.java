package dev.loadstone.health;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.resolver.AddressResolverGroup;
import java.net.SocketAddress;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;

/** Passes when a TCP connection to the backend (or its check port) is established within the timeout. */
final class TcpProbe extends NettyProbe {
  TcpProbe(
      HealthCheckSettings settings,
      ChannelFactory<? extends Channel> channelFactory,
      AddressResolverGroup<? extends SocketAddress> resolver,
      Ticker ticker,
      Clock clock) {
    super(settings, channelFactory, resolver, ticker, clock);
  }

  @Override
  ChannelHandler handler(Backend backend, Attempt attempt) {
    return new ChannelInboundHandlerAdapter(); // reads nothing; the channel is closed once connected
  }

  @Override
  void connected(Attempt attempt) {
    attempt.pass("connected");
  }
}
