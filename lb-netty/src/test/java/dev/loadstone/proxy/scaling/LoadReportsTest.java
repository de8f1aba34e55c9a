package dev.loadstone.proxy.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadReportsTest {
  @Test
  void aPlainNumberAPercentageAndOrcaTextAreRead() {
    assertThat(LoadReports.parse("0.42")).isEqualTo(0.42);
    assertThat(LoadReports.parse(" 42% ")).isEqualTo(0.42);
    assertThat(LoadReports.parse("TEXT cpu_utilization=0.3, mem_utilization=0.8")).isEqualTo(0.3);
    assertThat(LoadReports.parse("TEXT mem_utilization=0.8,cpu_utilization=0.75")).isEqualTo(0.75);
    assertThat(LoadReports.parse("TEXT mem_utilization=0.8")).isNaN();
    assertThat(LoadReports.parse("busy")).isNaN();
    assertThat(LoadReports.parse("-0.1")).isNaN();
  }

  @Test
  void theLatestReportCountsUntilItIsOlderThanTheMaxAge() {
    LoadReports r = new LoadReports("Endpoint-Load-Metrics", Duration.ofSeconds(30));
    HttpHeaders h = new DefaultHttpHeaders().add("endpoint-load-metrics", "TEXT cpu_utilization=0.6");
    r.read("b1", h, 1_000);
    r.read("b1", new DefaultHttpHeaders(), 2_000); // no header: the last report stays
    r.read("b1", new DefaultHttpHeaders().add("endpoint-load-metrics", "garbage"), 3_000); // malformed: ignored
    assertThat(r.cpu("b1", 5_000)).isEqualTo(0.6);
    assertThat(r.cpu("b1", 1_000 + Duration.ofSeconds(31).toNanos())).isNaN();
    assertThat(r.cpu("b2", 5_000)).isNaN();
    r.retain(Set.of("b2"));
    assertThat(r.cpu("b1", 5_000)).isNaN();
  }
}
