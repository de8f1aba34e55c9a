package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancers;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The access log's dropped lines and the listener's accept errors, as Prometheus counters present from the start. */
class ServerCountersTest {
  private final BackendPool pool = BackendPool.builder().balancer(Balancers.roundRobin()).build();
  private final ProxyMetrics metrics = ProxyMetrics.create(pool);

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void bothCountersAreThereAtZeroBeforeTheProxyRunsThenFollowIt() {
    assertThat(metrics.scrape()).contains("\nloadstone_access_log_dropped_total 0.0\n", "\nloadstone_proxy_accept_errors_total 0.0\n");
    AtomicLong dropped = new AtomicLong();
    AtomicLong acceptErrors = new AtomicLong();
    metrics.serverCounters(dropped::get, acceptErrors::get);
    dropped.set(7);
    acceptErrors.set(3);
    assertThat(metrics.scrape()).contains("\nloadstone_access_log_dropped_total 7.0\n", "\nloadstone_proxy_accept_errors_total 3.0\n");
  }
}
