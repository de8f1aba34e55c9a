package dev.loadstone.bench.scaling;

import java.time.Duration;

/**
 * The simulated servers: each serves up to {@code capacity} requests/s, is ready {@code startup} after it is
 * asked for (booting, it costs but serves nothing) and costs {@code costPerHour} from the moment it is asked for
 * until it is stopped. Response time is that of an M/M/1 queue per server at utilization rho (load spread
 * evenly, as a balancer does): the 95th percentile of the time in system is -ln(0.05) x S / (1 - rho) for a
 * mean service time S (Kleinrock, "Queueing Systems", vol. 1, section 3.2: the sojourn time of M/M/1 is
 * exponential with mean S / (1 - rho)). Past capacity the excess waits in a backlog, served first-come
 * first-served, whose wait adds to the p95.
 */
public record ServerModel(double capacity, Duration startup, double costPerHour, Duration service) {
  /** rho is capped here for the queueing formula; beyond it the backlog carries the overload. */
  static final double MAX_RHO = 0.98;

  public ServerModel {
    if (!(capacity > 0) || startup.isNegative() || costPerHour < 0 || service.isNegative() || service.isZero()) {
      throw new IllegalArgumentException("server model: capacity " + capacity + ", startup " + startup + ", cost " + costPerHour
          + ", service " + service + " (expected: capacity > 0, startup >= 0, cost >= 0, service > 0)");
    }
  }

  /** 500 requests/s per server, ready 5 minutes after it is asked for, $0.10 an hour, 20 ms a request. */
  public static ServerModel standard() {
    return new ServerModel(500, Duration.ofMinutes(5), 0.10, Duration.ofMillis(20));
  }

  /** p95 response time (ms) at utilization {@code rho} with {@code backlogSeconds} of queued work ahead. */
  public double p95Millis(double rho, double backlogSeconds) {
    double r = Math.min(Math.max(rho, 0), MAX_RHO);
    return -Math.log(0.05) * service.toNanos() / 1e6 / (1 - r) + backlogSeconds * 1000;
  }
}
