package dev.loadstone.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiteralsFirstTest {
  private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
  private final EventLoop loop = loops.next();
  private final AtomicInteger made = new AtomicInteger();
  private final AtomicInteger groups = new AtomicInteger();
  private final LiteralsFirst group = new LiteralsFirst(() -> new AddressResolverGroup<>() {
    {
      groups.incrementAndGet();
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) throws Exception {
      made.incrementAndGet(); // DefaultAddressResolverGroup's (blocking) resolver stands in for DNS here: /etc/hosts
      return DefaultAddressResolverGroup.INSTANCE.getResolver(executor);
    }
  });

  @AfterEach
  void close() {
    group.close();
    loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void ipLiteralsAreAnsweredWithoutMakingTheNameResolver() throws Exception {
    AddressResolver<InetSocketAddress> r = group.getResolver(loop);
    InetSocketAddress v4 = r.resolve(InetSocketAddress.createUnresolved("127.0.0.1", 8080)).get();
    InetSocketAddress v6 = r.resolve(InetSocketAddress.createUnresolved("::1", 8443)).get();
    List<InetSocketAddress> all = r.resolveAll(InetSocketAddress.createUnresolved("10.1.2.3", 80)).get();
    assertThat(v4.isUnresolved()).isFalse();
    assertThat(v4.getAddress()).isEqualTo(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    assertThat(v4.getPort()).isEqualTo(8080);
    assertThat(v6.getAddress()).isEqualTo(InetAddress.getByName("::1"));
    assertThat(all).extracting(InetSocketAddress::getHostString).containsExactly("10.1.2.3");
    assertThat(r.isResolved(v4)).isTrue();
    assertThat(r.isResolved(InetSocketAddress.createUnresolved("127.0.0.1", 1))).isFalse();
    assertThat(made).hasValue(0);
    assertThat(groups).as("the name resolvers' group is not even made").hasValue(0);
  }

  @Test
  void namesGoToTheNameResolverMadeOncePerLoop() throws Exception {
    AddressResolver<InetSocketAddress> r = group.getResolver(loop);
    InetSocketAddress a = r.resolve(InetSocketAddress.createUnresolved("localhost", 80)).get();
    r.resolveAll(InetSocketAddress.createUnresolved("localhost", 81)).get();
    assertThat(a.isUnresolved()).isFalse();
    assertThat(a.getAddress().isLoopbackAddress()).isTrue();
    assertThat(made).hasValue(1);
    assertThat(groups).hasValue(1);
  }
}
