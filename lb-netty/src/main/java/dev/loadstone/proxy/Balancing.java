package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancer;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Ticker;

/** Builds the backend pool and balancer the config asks for. */
final class Balancing {
  private Balancing() {}

  static BackendPool newPool(ProxyConfig config, Ticker ticker) {
    BackendPool.Builder b = BackendPool.builder().balancer(factory(config));
    if (ticker != null) {
      b.ticker(ticker);
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
