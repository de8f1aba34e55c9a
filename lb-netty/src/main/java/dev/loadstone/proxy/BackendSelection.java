package dev.loadstone.proxy;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;

/**
 * Which backend an exchange's next attempt goes to: the balancer picks with the request's hash key and sticky
 * cookie, avoiding the backends this exchange already tried; the lease counts the attempt in the backend's
 * in-flight number until the attempt gives it back.
 */
final class BackendSelection {
  private final ProxyContext px;
  private PickRequest pick;
  private boolean full;
  private static final Lease FULL = Lease.none("every available backend is at backend-max-connections");

  BackendSelection(ProxyContext px, HttpRequest request, InetSocketAddress client) {
    this.px = px;
    String hashKey = px.hashKey == null ? null : px.hashKey.of(request, client);
    String sticky = px.stickyCookie == null ? null : HashKey.cookie(request, px.stickyCookie);
    this.pick = PickRequest.of(hashKey, sticky);
  }

  /**
   * A lease on the next backend; {@link Lease#isEmpty()} when none is available. With
   * {@code backend-max-connections}, a backend already at the limit is given back and another tried; when every
   * candidate is full, the lease is empty and {@link #full()} says so (the exchange may then queue).
   */
  Lease acquire() {
    full = false;
    int limit = px.config.backendMaxConnections();
    Lease lease = px.pool.acquire(pick);
    if (limit <= 0 || lease.isEmpty() || lease.state().inFlight() <= limit) {
      return lease;
    }
    PickRequest tried = pick;
    while (!lease.isEmpty() && lease.state().inFlight() > limit) {
      lease.release();
      tried = tried.excluding(lease.state().id());
      lease = px.pool.acquire(tried);
    }
    if (lease.isEmpty()) {
      full = true;
      return FULL;
    }
    return lease;
  }

  /** Whether the last {@link #acquire()} found every candidate at {@code backend-max-connections}. */
  boolean full() {
    return full;
  }

  void exclude(Backend failed) {
    pick = pick.excluding(failed.id());
  }

  /** The most attempts an exchange may make: the retries plus one, never more than there are backends. */
  int maxAttempts() {
    return Math.min(px.config.retries() + 1, px.pool.snapshot().all().size());
  }

  /** Whether the client's sticky cookie chose {@code lease}'s backend (a cookie was sent and no new one is needed). */
  boolean byCookie(Lease lease) {
    return pick.stickyCookie() != null && lease.setCookie() == null;
  }

  /** The Set-Cookie value that pins the client to {@code lease}'s backend, or null. */
  String setCookie(Lease lease, boolean secure) {
    String value = lease.setCookie();
    if (value == null || px.stickyCookie == null) {
      return null;
    }
    return px.stickyCookie + "=" + value + px.stickyCookieAttributes + (secure ? "; Secure" : "");
  }
}
