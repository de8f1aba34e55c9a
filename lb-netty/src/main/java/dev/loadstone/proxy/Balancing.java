package dev.loadstone.proxy;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancer;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.StickyCookies;
import dev.loadstone.lb.Ticker;
import java.security.SecureRandom;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the backend pool and balancer the config asks for. */
final class Balancing {
  private static final Logger log = LoggerFactory.getLogger(Balancing.class);
  /** A backend that comes UP starts at this share of its weight and ramps to all of it over the slow-start window. */
  static final double SLOW_START_FLOOR = 0.1;

  private Balancing() {}

  static BackendPool newPool(ProxyConfig config, Ticker ticker) {
    dev.loadstone.lb.BackendPoolBuilder b = BackendPool.builder().balancer(factory(config));
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
      case WEIGHTED_ROUND_ROBIN:
        inner = Balancers.weightedRoundRobin();
        break;
      case LEAST_CONNECTIONS:
        inner = Balancers.leastConnections();
        break;
      case POWER_OF_TWO:
        inner = Balancers.powerOfTwo();
        break;
      case RANDOM:
        inner = Balancers.random();
        break;
      case CONSISTENT_HASH:
        inner = Balancers.maglev();
        break;
      default:
        throw new AssertionError(config.algorithm());
    }
    if (config.stickyCookie() == null) {
      return inner;
    }
    return Balancers.sticky(inner, stickyCookies(config));
  }

  static StickyCookies stickyCookies(ProxyConfig config) {
    StickyCookies.Builder b = StickyCookies.builder().maxAge(config.stickyMaxAge());
    Map<String, byte[]> keys = config.stickyKeys();
    if (keys.isEmpty()) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      b.addKey("random", key);
      log.warn(
          "sticky-cookie {}: no signing key configured (sticky-keys or --sticky-key-file), using a random key;"
              + " sticky cookies will not survive a restart or be shared between proxy instances",
          config.stickyCookie());
    } else {
      keys.forEach(b::addKey);
    }
    return b.build();
  }
}
