package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancer;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Ticker;

/** Builds the backend pool and balancer the config asks for. */
final class Balancing {
  /** A backend that comes UP starts at this share of its weight and ramps to all of it over the slow-start window. */
  static final double SLOW_START_FLOOR = 0.1;

  private Balancing() {}

  static BackendPool newPool(ProxyConfig config, Ticker ticker) {
    BackendPool.Builder b = BackendPool.builder().balancer(factory(config));
    if (ticker != null) {
      b.ticker(ticker);
    }
    if (!config.slowStart().isZero()) {
      b.slowStart(config.slowStart(), SLOW_START_FLOOR);
    }
    return b.build();
  }

  static Balancer.Factory factory(ProxyConfig config) {
    Balancer.Factory inner;
    switch (config.algorithm()) {
      case ROUND_ROBIN:
        inner = Balancers.roundRobin();
        break;
      default:
        throw new ConfigException(
            "algorithm: '" + config.algorithm().flagName() + "' (expected: round-robin; the others are not built yet)");
    }
    if (config.stickyCookie() != null) {
      throw new ConfigException("sticky-cookie: '" + config.stickyCookie() + "' (sticky sessions are not built yet)");
    }
    return inner;
  }
}
