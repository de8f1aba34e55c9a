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
import java.util.function.Supplier;

/**
 * A resolver group that answers IP literals ({@code 10.0.0.5}, {@code ::1}) itself, as Netty's DNS resolver
 * would (no query, no hostname), and hands every name to the group {@code names} makes, when the first name
 * comes, and whose resolver for an event loop is made only when that loop first meets a name. Backends given
 * by address then never make a DNS resolver (and its UDP socket) per event loop at their first connect, nor
 * the group at start-up. Closing this group closes that one.
 */
public final class LiteralsFirst extends AddressResolverGroup<InetSocketAddress> {
  private final Supplier<? extends AddressResolverGroup<InetSocketAddress>> makeNames;
  private AddressResolverGroup<InetSocketAddress> names; // guarded by this; null until a name comes
  private boolean closed; // guarded by this

  public LiteralsFirst(Supplier<? extends AddressResolverGroup<InetSocketAddress>> names) {
    this.makeNames = Objects.requireNonNull(names, "names");
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new Resolver(executor, this);
  }

  private AddressResolver<InetSocketAddress> names(EventExecutor executor) {
    AddressResolverGroup<InetSocketAddress> g;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("resolver group closed");
      }
      if (names == null) {
        names = makeNames.get(); // only makes the group: its resolvers are made per loop below, by getResolver
      }
      g = names;
    }
    return g.getResolver(executor);
  }

  @Override
  public void close() {
    super.close();
    synchronized (this) {
      closed = true;
      if (names != null) {
        names.close();
      }
    }
  }

  private static final class Resolver extends AbstractAddressResolver<InetSocketAddress> {
    private final EventExecutor executor;
    private final LiteralsFirst group;

    Resolver(EventExecutor executor, LiteralsFirst group) {
      super(executor, InetSocketAddress.class);
      this.executor = executor;
      this.group = group;
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
        group.names(executor).resolve(unresolved, promise);
      }
    }

    @Override
    protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) throws Exception {
      InetSocketAddress literal = literal(unresolved);
      if (literal != null) {
        promise.setSuccess(List.of(literal));
      } else {
        group.names(executor).resolveAll(unresolved, promise);
      }
    }

    private static InetSocketAddress literal(InetSocketAddress unresolved) throws UnknownHostException {
      byte[] ip = NetUtil.createByteArrayFromIpAddressString(unresolved.getHostString());
      return ip == null ? null : new InetSocketAddress(InetAddress.getByAddress(ip), unresolved.getPort());
    }
  }
}
