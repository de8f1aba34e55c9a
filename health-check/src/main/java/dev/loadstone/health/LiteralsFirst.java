package dev.loadstone.health;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * A resolver group that answers IP literals ({@code 10.0.0.5}, {@code ::1}) itself, as Netty's DNS resolver
 * would (no query, no hostname), and hands every name to {@code names}, whose resolver for an event loop is
 * made only when that loop first meets a name. Backends given by address then never make a DNS resolver (and
 * its UDP socket) per event loop at their first connect. Closing this group closes {@code names}.
 */
public final class LiteralsFirst extends AddressResolverGroup<InetSocketAddress> {
  private final AddressResolverGroup<InetSocketAddress> names;

  public LiteralsFirst(AddressResolverGroup<InetSocketAddress> names) {
    this.names = Objects.requireNonNull(names, "names");
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new Resolver(executor, names);
  }

  @Override
  public void close() {
    super.close();
    names.close();
  }

  private static final class Resolver extends AbstractAddressResolver<InetSocketAddress> {
    private final EventExecutor executor;
    private final AddressResolverGroup<InetSocketAddress> names;

    Resolver(EventExecutor executor, AddressResolverGroup<InetSocketAddress> names) {
      super(executor, InetSocketAddress.class);
      this.executor = executor;
      this.names = names;
    }

    @Override
    protected boolean doIsResolved(InetSocketAddress address) {
      return !address.isUnresolved();
    }

    @Override
    protected void doResolve(InetSocketAddress unresolved, Promise<InetSocketAddress> promise) throws Exception {
      InetSocketAddress literal = literal(unresolved);
      if (literal != null) {
        promise.setSuccess(literal);
      } else {
        names.getResolver(executor).resolve(unresolved, promise);
      }
    }

    @Override
    protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) throws Exception {
      InetSocketAddress literal = literal(unresolved);
      if (literal != null) {
        promise.setSuccess(List.of(literal));
      } else {
        names.getResolver(executor).resolveAll(unresolved, promise);
      }
    }

    private static InetSocketAddress literal(InetSocketAddress unresolved) throws UnknownHostException {
      byte[] ip = NetUtil.createByteArrayFromIpAddressString(unresolved.getHostString());
      return ip == null ? null : new InetSocketAddress(InetAddress.getByAddress(ip), unresolved.getPort());
    }
  }
}
