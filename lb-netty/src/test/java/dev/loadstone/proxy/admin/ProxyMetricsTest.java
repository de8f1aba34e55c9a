package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.health.CheckResult;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import dev.loadstone.lb.Ticker;
import dev.loadstone.proxy.ProxyConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final BackendPool pool = BackendPool.builder().ticker(ticker).balancer(Balancers.roundRobin()).build();

  ProxyMetricsTest() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("b2", "127.0.0.1:9002", 1), Health.DOWN);
  }

  private final ProxyMetrics metrics = ProxyMetrics.create(pool, ticker);

  @Test
  void perBackendCountersFollowTheRecordedExchanges() {
    for (int i = 0; i < 7; i++) {
      metrics.exchangeCompleted("b1", 200, 5_000_000, 10, 100);
    }
    metrics.exchangeCompleted("b1", 404, 1_000_000, 0, 20);
    metrics.exchangeCompleted("b1", 503, 1_000_000, 0, 20);
    metrics.backendFailed("b1", "CONNECT_FAILED");
    metrics.proxyError(502);
    metrics.retried();
    metrics.connectionOpened();

    Map<String, Double> s = PrometheusText.parse(metrics.scrape());
    assertThat(s).containsEntry("loadstone_backend_requests_total{backend=\"b1\",status_class=\"2xx\"}", 7.0)
        .containsEntry("loadstone_backend_requests_total{backend=\"b1\",status_class=\"4xx\"}", 1.0)
        .containsEntry("loadstone_backend_requests_total{backend=\"b1\",status_class=\"5xx\"}", 1.0)
        .containsEntry("loadstone_backend_requests_total{backend=\"b2\",status_class=\"2xx\"}", 0.0)
        .containsEntry("loadstone_backend_failures_total{backend=\"b1\",cause=\"connect_failed\"}", 1.0)
        .containsEntry("loadstone_backend_health{backend=\"b1\"}", 1.0)
        .containsEntry("loadstone_backend_health{backend=\"b2\"}", 0.0)
        .containsEntry("loadstone_backend_in_flight{backend=\"b1\"}", 0.0)
        .containsEntry("loadstone_backend_response_time_seconds_count{backend=\"b1\"}", 9.0)
        .containsEntry("loadstone_proxy_requests_total{status_class=\"2xx\"}", 7.0)
        .containsEntry("loadstone_proxy_requests_total{status_class=\"4xx\"}", 1.0)
        .containsEntry("loadstone_proxy_requests_total{status_class=\"5xx\"}", 2.0)
        .containsEntry("loadstone_proxy_received_bytes_total", 70.0)
        .containsEntry("loadstone_proxy_sent_bytes_total", 740.0)
        .containsEntry("loadstone_proxy_retries_total", 1.0)
        .containsEntry("loadstone_proxy_errors_total{status=\"502\"}", 1.0)
        .containsEntry("loadstone_proxy_errors_total{status=\"504\"}", 0.0)
        .containsEntry("loadstone_proxy_connections_total", 1.0)
        .containsEntry("loadstone_proxy_connections_active", 1.0);
    assertThat(s.keySet()).anyMatch(k -> k.startsWith("loadstone_backend_response_time_seconds_bucket{backend=\"b1\""));
    assertThat(metrics.requests("b1")).isEqualTo(9);
    assertThat(metrics.failures("b1")).isEqualTo(2);
    metrics.sample(); // the p95 is over the last closed seconds
    assertThat(metrics.p95("b1")).isBetween(Duration.ofMillis(4), Duration.ofMillis(6));
  }

  @Test
  void inFlightGaugeReadsThePoolLive() {
    Lease lease = pool.acquire(PickRequest.EMPTY);
    assertThat(PrometheusText.parse(metrics.scrape())).containsEntry("loadstone_backend_in_flight{backend=\"b1\"}", 1.0);
    lease.release();
    assertThat(PrometheusText.parse(metrics.scrape())).containsEntry("loadstone_backend_in_flight{backend=\"b1\"}", 0.0);
  }

  @Test
  void healthChecksAreTimedByResult() {
    metrics.onCheck("b1", CheckResult.pass("status 200", Duration.ofMillis(3), Instant.EPOCH));
    metrics.onCheck("b1", CheckResult.fail("connect refused", Duration.ofMillis(1), Instant.EPOCH));
    metrics.onCheck("b1", CheckResult.fail("connect refused", Duration.ofMillis(1), Instant.EPOCH));
    Map<String, Double> s = PrometheusText.parse(metrics.scrape());
    assertThat(s).containsEntry("loadstone_health_check_duration_seconds_count{backend=\"b1\",result=\"pass\"}", 1.0)
        .containsEntry("loadstone_health_check_duration_seconds_count{backend=\"b1\",result=\"fail\"}", 2.0);
  }

  @Test
  void requestRateIsTheCountDeltaOverTheSampledWindow() {
    metrics.sample();
    for (int i = 0; i < 30; i++) {
      metrics.exchangeCompleted("b1", 200, 1_000_000, 0, 0);
    }
    nanos.addAndGet(Duration.ofSeconds(3).toNanos());
    metrics.sample();
    assertThat(metrics.requestRate("b1")).isEqualTo(10.0);
    assertThat(metrics.requestRate("b2")).isEqualTo(0.0);
  }

  @Test
  void metersOfARemovedBackendAreDropped() {
    metrics.exchangeCompleted("b2", 200, 1_000_000, 0, 0);
    pool.remove("b2");
    metrics.exchangeCompleted("b2", 200, 1_000_000, 0, 0); // a late report is ignored
    String text = metrics.scrape();
    PrometheusText.parse(text);
    assertThat(text).doesNotContain("backend=\"b2\"").contains("backend=\"b1\"");
    assertThat(metrics.requests("b2")).isZero();
  }

  @Test
  void aBackendHasOneBucketSeriesPerConfiguredBoundNotSeventyFour() {
    ProxyMetrics slo = ProxyMetrics.create(pool, java.util.List.of(Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1)));
    slo.exchangeCompleted("b1", 200, 100_000_000, 0, 0);
    Map<String, Double> s = PrometheusText.parse(slo.scrape());
    assertThat(s.keySet().stream().filter(k -> k.startsWith("loadstone_backend_response_time_seconds_bucket{backend=\"b1\"")))
        .containsExactlyInAnyOrder(
            "loadstone_backend_response_time_seconds_bucket{backend=\"b1\",le=\"0.05\"}",
            "loadstone_backend_response_time_seconds_bucket{backend=\"b1\",le=\"0.25\"}",
            "loadstone_backend_response_time_seconds_bucket{backend=\"b1\",le=\"1.0\"}",
            "loadstone_backend_response_time_seconds_bucket{backend=\"b1\",le=\"+Inf\"}");
    assertThat(s).containsEntry("loadstone_backend_response_time_seconds_bucket{backend=\"b1\",le=\"0.05\"}", 0.0)
        .containsEntry("loadstone_backend_response_time_seconds_bucket{backend=\"b1\",le=\"0.25\"}", 1.0);
    assertThat(s.keySet()).noneMatch(k -> k.contains("quantile="));
    long buckets = PrometheusText.parse(metrics.scrape()).keySet().stream()
        .filter(k -> k.startsWith("loadstone_backend_response_time_seconds_bucket{backend=\"b1\"")).count();
    assertThat(buckets).as("the default SLO buckets and +Inf").isEqualTo(ProxyConfig.DEFAULT_LATENCY_BUCKETS.size() + 1);
    slo.close();
  }

  @Test
  void everyCounterIsPresentAtZeroBeforeItsFirstEvent() {
    Map<String, Double> s = PrometheusText.parse(metrics.scrape());
    for (String b : new String[] {"b1", "b2"}) {
      for (String c : new String[] {"1xx", "2xx", "3xx", "4xx", "5xx"}) {
        assertThat(s).containsEntry("loadstone_backend_requests_total{backend=\"" + b + "\",status_class=\"" + c + "\"}", 0.0);
      }
      for (String c : new String[] {"connect_failed", "connect_timeout", "reset", "response_timeout", "invalid_response"}) {
        assertThat(s).containsEntry("loadstone_backend_failures_total{backend=\"" + b + "\",cause=\"" + c + "\"}", 0.0);
      }
      assertThat(s).containsEntry("loadstone_health_transitions_total{backend=\"" + b + "\",health=\"down\"}", 0.0)
          .containsEntry("loadstone_health_transitions_total{backend=\"" + b + "\",health=\"up\"}", 0.0)
          .containsEntry("loadstone_health_check_duration_seconds_count{backend=\"" + b + "\",result=\"fail\"}", 0.0);
    }
    for (String c : new String[] {"1xx", "2xx", "3xx", "4xx", "5xx"}) {
      assertThat(s).containsEntry("loadstone_proxy_requests_total{status_class=\"" + c + "\"}", 0.0);
    }
    for (int status : new int[] {400, 408, 413, 414, 431, 502, 503, 504}) {
      assertThat(s).containsEntry("loadstone_proxy_errors_total{status=\"" + status + "\"}", 0.0);
    }
    assertThat(s).containsEntry("loadstone_proxy_retries_total", 0.0).containsEntry("loadstone_proxy_connections_total", 0.0);
  }

  @Test
  void proxyRequestsAreCountedByStatusClassWhoeverAnswered() {
    metrics.exchangeCompleted("b1", 204, 1_000_000, 0, 0);
    metrics.proxyError(503);
    metrics.proxyError(400);
    Map<String, Double> s = PrometheusText.parse(metrics.scrape());
    assertThat(s).containsEntry("loadstone_proxy_requests_total{status_class=\"2xx\"}", 1.0)
        .containsEntry("loadstone_proxy_requests_total{status_class=\"4xx\"}", 1.0)
        .containsEntry("loadstone_proxy_requests_total{status_class=\"5xx\"}", 1.0);
  }

  @Test
  void jvmProcessAndNettyDirectMemoryMetersAreExported() {
    Map<String, Double> s = PrometheusText.parse(metrics.scrape());
    assertThat(s.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\""))
        .anyMatch(k -> k.startsWith("jvm_buffer_memory_used_bytes{id=\"direct\""))
        .anyMatch(k -> k.startsWith("jvm_threads_live_threads"))
        .anyMatch(k -> k.startsWith("jvm_gc_"))
        .anyMatch(k -> k.startsWith("process_cpu_usage"))
        .anyMatch(k -> k.startsWith("process_uptime_seconds"))
        .anyMatch(k -> k.startsWith("process_files_open_files"))
        .anyMatch(k -> k.startsWith("process_files_max_files"))
        .anyMatch(k -> k.startsWith("netty_allocator_memory_used{") && k.contains("memory_type=\"direct\""));
    assertThat(s.get("process_files_max_files")).as("the ulimit -n the proxy runs with").isPositive();
  }

  @Test
  void jvmMetersBoundLaterAreThereFromTheFirstScrape() {
    ProxyMetrics later = ProxyMetrics.createBindingJvmLater(pool, ProxyConfig.DEFAULT_LATENCY_BUCKETS);
    try {
      assertThat(later.registry().find("jvm.memory.used").meters()).isEmpty();
      assertThat(later.registry().find("loadstone.proxy.connections").counter()).isNotNull();
      assertThat(PrometheusText.parse(later.scrape()).keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\""));
      int meters = later.registry().getMeters().size();
      later.bindJvmAndProcess(); // start() after that scrape: bound once only
      assertThat(later.registry().getMeters()).hasSize(meters);
    } finally {
      later.close();
    }
  }

  @Test
  void theHistoryHasOneSamplePerSecondWithRateAndP95() {
    metrics.sample();
    for (int i = 0; i < 20; i++) {
      metrics.exchangeCompleted("b1", 200, (i + 1) * 1_000_000L, 0, 0);
    }
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    metrics.sample();
    double[][] h = metrics.history("b1", 300);
    assertThat(h[0]).as("the first sample's interval is from the backend's start, here 0").containsExactly(0.0, 10.0);
    assertThat(h[1][0]).isNaN();
    assertThat(h[1][1]).isBetween(18.9, 19.1);
    assertThat(metrics.rates("b1")[1]).isEqualTo(10.0);
  }
}
