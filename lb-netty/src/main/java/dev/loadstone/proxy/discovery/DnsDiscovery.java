package dev.loadstone.proxy.discovery;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.PoolListener;
import dev.loadstone.lb.PoolSnapshot;
import dev.loadstone.proxy.admin.PoolAdmin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backends found by DNS: each target is resolved on one event loop of its own, again after the answer's TTL
 * (bounded by the settings' min and max intervals), and each answer is applied to the pool as a diff through
 * {@link PoolAdmin}: a new address joins DOWN (health checks bring it UP, slow start ramps it), a vanished
 * one drains and leaves, a changed SRV weight is applied. Only backends this target added are ever removed
 * ({@code source: dns}); an address the file or the admin API already has is left to them.
 *
 * <p>A failed lookup or an empty answer keeps the last known set (an empty answer is far more often a broken
 * name server than a service scaled to zero, and draining the whole pool on it is the outage a balancer exists
 * to prevent): logged once per streak of failures, counted in {@code loadstone_discovery_failures_total}.
 *
 * <p>SRV priorities (RFC 2782): the lowest-priority set serves; the next set joins when no backend of the sets
 * before it is available (UP and ACTIVE), and leaves again once one is. At start, while the lowest set's
 * backends are still DOWN before their first checks, the fallback set joins too, and drains once they are UP.
 */
public final class DnsDiscovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

  private final PoolAdmin admin;
  private final DiscoverySettings settings;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final DnsNameResolver resolver;
  private final DnsLookup lookup;
  private final MeterRegistry registry;
  private final List<Watch> watches = new ArrayList<>();
  private final AtomicBoolean reapplyQueued = new AtomicBoolean();
  private final PoolListener listener = (before, now) -> poolChanged();
  private volatile boolean closed;

  private DnsDiscovery(PoolAdmin admin, DiscoverySettings settings, MeterRegistry registry) {
    this.admin = admin;
    this.settings = settings;
    this.registry = registry;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.loop = group.next();
    this.resolver = new DnsNameResolverBuilder(loop)
        .datagramChannelType(NioDatagramChannel.class)
        .socketChannelType(NioSocketChannel.class) // a truncated UDP answer is asked again over TCP
        .nameServerProvider(settings.server() == null
            ? DnsServerAddressStreamProviders.platformDefault()
            : new SingletonDnsServerAddressStreamProvider(settings.server()))
        .queryTimeoutMillis(settings.queryTimeout().toMillis())
        .recursionDesired(true)
        .build();
    this.lookup = new DnsLookup(resolver);
    for (DnsTarget t : settings.targets()) {
      watches.add(new Watch(t));
    }
  }

  /** Starts resolving every target at once; the first answers join the pool as they come. */
  public static DnsDiscovery start(PoolAdmin admin, DiscoverySettings settings, MeterRegistry registry) {
    DnsDiscovery d = new DnsDiscovery(admin, settings, registry);
    admin.pool().addListener(d.listener);
    d.watches.forEach(w -> d.loop.execute(w::resolve));
    return d;
  }

  /** The addresses each target's last good answer named (for tests and the log). */
  public Map<String, List<String>> known() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Watch w : watches) {
      out.put(w.target.toString(), w.last.stream().map(Endpoint::address).toList());
    }
    return out;
  }

  private void poolChanged() {
    if (!closed && reapplyQueued.compareAndSet(false, true)) {
      loop.execute(() -> {
        reapplyQueued.set(false);
        watches.forEach(w -> w.apply());
      });
    }
  }

  @Override
  public void close() {
    closed = true;
    admin.pool().removeListener(listener);
    loop.execute(resolver::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Maps an SRV weight (0..65535, relative) to a backend weight: the same number, within 1..1000. */
  static int weight(int srvWeight) {
    return Math.max(Backend.MIN_WEIGHT, Math.min(Backend.MAX_WEIGHT, srvWeight));
  }

  /** One target's loop; every field is touched on {@link #loop} only. */
  private final class Watch {
    final DnsTarget target;
    final Counter failures;
    final Counter empty;
    volatile List<Endpoint> last = List.of(); // written on the loop, read by known()
    final Set<String> owned = new LinkedHashSet<>();
    final Set<String> othersHave = new LinkedHashSet<>(); // named by the answer, owned by the file or the API
    int streak;

    Watch(DnsTarget target) {
      this.target = target;
      this.failures = Counter.builder("loadstone.discovery.failures")
          .description("DNS lookups that failed (the last known backends stay)")
          .tags("target", target.toString(), "reason", "error").register(registry);
      this.empty = Counter.builder("loadstone.discovery.failures")
          .description("DNS lookups that failed (the last known backends stay)")
          .tags("target", target.toString(), "reason", "empty").register(registry);
    }

    void resolve() {
      if (closed) {
        return;
      }
      lookup.lookup(target).whenComplete((answer, error) -> loop.execute(() -> {
        if (closed) {
          return;
        }
        Duration next;
        if (error != null || answer.endpoints().isEmpty()) {
          (error != null ? failures : empty).increment();
          if (streak++ == 0) {
            log.warn("discovery {}: {}; keeping the last known {} backends (logged once until it resolves again)", target,
                error != null ? "lookup failed (" + rootMessage(error) + ")" : "empty answer", last.size());
          }
          next = settings.minInterval();
        } else {
          if (streak > 0) {
            log.info("discovery {}: resolves again after {} failed lookups", target, streak);
            streak = 0;
          }
          last = answer.endpoints();
          apply();
          next = settings.nextDelay(answer.ttl());
        }
        loop.schedule(this::resolve, next.toNanos(), TimeUnit.NANOSECONDS);
      }));
    }

    /** Makes the pool's backends of this target match the serving priority sets of the last answer. */
    void apply() {
      PoolSnapshot snap = admin.pool().snapshot();
      Map<String, Endpoint> want = serving(snap);
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      for (Endpoint e : want.values()) {
        String id = e.address();
        boolean present = snap.get(id) != null && owned.contains(id);
        if (admin.putDiscovered(Backend.of(id, id, weight(e.weight())))) {
          owned.add(id);
          othersHave.remove(id);
          if (!present) {
            added.add(id);
          }
        } else {
          owned.remove(id);
          if (othersHave.add(id)) {
            String holder = snap.all().stream().filter(o -> o.backend().address().equals(id) || o.id().equals(id))
                .map(o -> o.id() + " (source " + admin.source(o.id()) + ")").findFirst().orElse("another owner");
            log.info("discovery {}: {} is already in the pool as {}; left to it", target, id, holder);
          }
        }
      }
      for (String id : List.copyOf(owned)) {
        if (!want.containsKey(id)) {
          owned.remove(id);
          if (snap.get(id) != null && admin.source(id) == PoolAdmin.Source.DNS && !admin.isBeingRemoved(id)) {
            admin.remove(id);
            removed.add(id);
          }
        }
      }
      if (!added.isEmpty() || !removed.isEmpty()) {
        log.info("discovery {}: joining {}, draining {}", target, added, removed);
      }
    }

    /** The endpoints that should be in the pool: the lowest priority set, plus the next while none before it is available. */
    private Map<String, Endpoint> serving(PoolSnapshot snap) {
      TreeMap<Integer, List<Endpoint>> byPriority = new TreeMap<>();
      for (Endpoint e : last) {
        byPriority.computeIfAbsent(e.priority(), p -> new ArrayList<>()).add(e);
      }
      Map<String, Endpoint> want = new LinkedHashMap<>();
      for (List<Endpoint> set : byPriority.values()) {
        boolean anyAvailable = false;
        for (Endpoint e : set) {
          want.put(e.address(), e);
          BackendState s = snap.get(e.address());
          anyAvailable |= s != null && s.isAvailable();
        }
        if (anyAvailable) {
          break;
        }
      }
      return want;
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t && !(t instanceof DnsLookupException)) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
