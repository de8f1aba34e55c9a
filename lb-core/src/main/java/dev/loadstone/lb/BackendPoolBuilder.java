package dev.loadstone.lb;

import java.time.Duration;
import java.util.Objects;

/** Builds a {@link BackendPool} ({@link BackendPool#builder()}). Each option may be set once. */
public final class BackendPoolBuilder {
  Ticker ticker = Ticker.system();
  Balancer.Factory balancer;
  Duration slowStart = Duration.ZERO;
  double slowStartFloor = 0.1;
  private boolean tickerSet;
  private boolean slowStartSet;

  BackendPoolBuilder() {}

  public BackendPoolBuilder ticker(Ticker t) {
    if (tickerSet) {
      throw new IllegalStateException("ticker was already set");
    }
    ticker = Objects.requireNonNull(t, "ticker");
    tickerSet = true;
    return this;
  }

  public BackendPoolBuilder balancer(Balancer.Factory factory) {
    if (balancer != null) {
      throw new IllegalStateException("balancer was already set");
    }
    balancer = Objects.requireNonNull(factory, "balancer");
    return this;
  }

  /**
   * Slow start: a backend that joins UP or recovers ramps its effective weight linearly from
   * {@code floor * weight} to its weight over {@code window}. {@code Duration.ZERO} (the default) is off.
   */
  public BackendPoolBuilder slowStart(Duration window, double floor) {
    if (slowStartSet) {
      throw new IllegalStateException("slowStart was already set");
    }
    if (window == null || window.isNegative()) {
      throw new IllegalArgumentException("slowStart window: " + window + " (expected: >= 0)");
    }
    if (!(floor > 0.0 && floor <= 1.0)) {
      throw new IllegalArgumentException("slowStart floor: " + floor + " (expected: 0 < floor <= 1)");
    }
    slowStart = window;
    slowStartFloor = floor;
    slowStartSet = true;
    return this;
  }

  public BackendPool build() {
    if (balancer == null) {
      throw new IllegalStateException("balancer: not set (expected: e.g. Balancers.roundRobin())");
    }
    return new BackendPool(this);
  }
}
