package dev.loadstone.lb;

/**
 * Sticky sessions by signed cookie, as a decorator over any balancer: a client whose cookie names a
 * backend that may still serve it goes back to that backend; everyone else is balanced by the inner
 * balancer and gets a fresh cookie naming the chosen backend.
 *
 * <p>Reference: HAProxy's {@code cookie ... insert} and nginx's {@code sticky cookie}; unlike those, the
 * value is signed (see {@link StickyCookies}) so clients cannot pick or forge a backend and no address leaks.
 *
 * <p>A cookie is honoured when it verifies, its backend is in the pool, UP, not excluded by the request
 * (retries override stickiness), and either ACTIVE or DRAINING before its drain deadline (read live from the
 * pool's ticker) unless the policy moves draining clients at once. A DOWN or MAINTENANCE backend is never
 * picked through its cookie. An honoured cookie is re-issued once it is older than half of its max age;
 * otherwise the pick carries no cookie.
 */
final class StickyCookieBalancer implements Balancer {
  private final PoolSnapshot snapshot;
  private final Balancer inner;
  private final StickyCookies cookies;

  StickyCookieBalancer(PoolSnapshot snapshot, Balancer inner, StickyCookies cookies) {
    this.snapshot = snapshot;
    this.inner = inner;
    this.cookies = cookies;
  }

  @Override
  public Pick pick(PickRequest request) {
    String cookie = request.stickyCookie();
    if (cookie != null) {
      StickyCookies.Verified v = cookies.verifyFull(cookie);
      if (v != null) {
        BackendState s = snapshot.get(v.backendId());
        if (s != null && honours(s, request)) {
          return cookies.isDueForReissue(v.issuedAtSeconds())
              ? Pick.withCookie(s, cookies.encode(s.id()))
              : s.asPick();
        }
      }
    }
    Pick p = inner.pick(request);
    if (p.isEmpty()) {
      return p;
    }
    return Pick.withCookie(p.state(), cookies.encode(p.state().id()));
  }

  private boolean honours(BackendState s, PickRequest request) {
    if (s.health() != Health.UP || request.isExcluded(s.id())) {
      return false;
    }
    switch (s.adminState()) {
      case ACTIVE:
        return true;
      case DRAINING:
        return !cookies.moveDrainingClientsAtOnce()
            && snapshot.ticker().read() - s.drainDeadlineNanos() < 0;
      default:
        return false;
    }
  }
}
