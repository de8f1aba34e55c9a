package dev.loadstone.proxy.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.scaling.Decision;
import dev.loadstone.proxy.admin.PoolAdmin;
import dev.loadstone.proxy.admin.ProxyMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advisor over a real pool and its metrics, with an injected clock; the predictive history survives a restart. */
class ScalingServiceTest {
  @TempDir Path dir;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final BackendPool pool = BackendPool.builder().balancer(Balancers.roundRobin()).build();
  private final PoolAdmin admin = new PoolAdmin(pool, Duration.ofSeconds(30), timer);
  private final ProxyMetrics metrics = ProxyMetrics.create(pool);
  private Instant now = Instant.parse("2026-11-30T08:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @AfterEach
  void stop() {
    metrics.close();
    timer.shutdownNow();
  }

  private ScalingConfig config(Path history) {
    return new ScalingConfig(Duration.ofSeconds(5), 2, 6, Duration.ZERO, Duration.ZERO, List.of(), List.of(), null, List.of(), null,
        Duration.ofSeconds(5), new ScalingConfig.Predictive(100, Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofMinutes(1), 0.3), history,
        false);
  }

  @Test
  void drainOnScaleInDrainsTheNewestIdleBackendsAndStopsAtMin() {
    pool.add(Backend.of("old-1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("old-2", "127.0.0.1:9002", 1), Health.UP);
    ScalingService s = new ScalingService(new ScalingConfig(Duration.ofSeconds(5), 2, 6, Duration.ZERO, Duration.ZERO,
        List.of(dev.loadstone.lb.scaling.Rule.threshold("rps-per-backend < 1", -1)), List.of(), null, List.of(), null,
        Duration.ofSeconds(5), null, null, true), admin, metrics, null, clock);
    assertThat(s.sample().desired()).isEqualTo(2); // the min
    now = now.plusSeconds(60);
    pool.add(Backend.of("new-1", "127.0.0.1:9003", 1), Health.UP);
    now = now.plusSeconds(60);
    s.sample(); // new-1 first seen now; 3 idle backends, the rule wants 2
    assertThat(pool.snapshot().get("new-1").adminState()).isEqualTo(dev.loadstone.lb.AdminState.DRAINING);
    Decision d = s.sample();
    assertThat(d.current()).isEqualTo(2);
    assertThat(d.desired()).isEqualTo(2);
    assertThat(d.scaleIn()).isEmpty();
    assertThat(pool.snapshot().get("old-1").adminState()).isEqualTo(dev.loadstone.lb.AdminState.ACTIVE);
    assertThat(pool.snapshot().get("old-2").adminState()).isEqualTo(dev.loadstone.lb.AdminState.ACTIVE);
    s.close();
  }

  @Test
  void aScaleOutReEnablesWhatAnEarlierScaleInDrainedBeforeAskingForNewBackends() {
    pool.add(Backend.of("old-1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("old-2", "127.0.0.1:9002", 1), Health.UP);
    pool.add(Backend.of("new-1", "127.0.0.1:9003", 1), Health.UP);
    pool.add(Backend.of("ops-1", "127.0.0.1:9004", 1), Health.UP);
    admin.drain("ops-1"); // an operator's drain: not the advisor's to undo
    ScalingService s = new ScalingService(new ScalingConfig(Duration.ofSeconds(5), 2, 6, Duration.ZERO, Duration.ZERO,
        List.of(dev.loadstone.lb.scaling.Rule.threshold("rps-per-backend < 1", -1)),
        List.of(dev.loadstone.lb.scaling.ScheduledMinimum.of("daily", "09:00", "10:00", 4, ZoneOffset.UTC)), null, List.of(), null,
        Duration.ofSeconds(5), null, null, true), admin, metrics, null, clock);
    Decision in = s.sample(); // 08:00, idle: 3 - 1 = 2
    assertThat(in.scaleIn()).containsExactly("new-1");
    assertThat(pool.snapshot().get("new-1").adminState()).isEqualTo(dev.loadstone.lb.AdminState.DRAINING);

    now = Instant.parse("2026-11-30T09:00:00Z");
    Decision out = s.sample(); // the schedule's floor of 4 over 2 serving: new-1 back, and one still short
    assertThat(out.current()).isEqualTo(2);
    assertThat(out.desired()).isEqualTo(4);
    assertThat(pool.snapshot().get("new-1").adminState()).isEqualTo(dev.loadstone.lb.AdminState.ACTIVE);
    assertThat(pool.snapshot().get("ops-1").adminState()).isEqualTo(dev.loadstone.lb.AdminState.DRAINING);
    now = now.plusSeconds(5);
    Decision next = s.sample();
    assertThat(next.current()).isEqualTo(3); // old-1, old-2 and new-1: the fourth must come from the hook
    assertThat(next.desired()).isEqualTo(4);
    s.close();
  }

  @Test
  void aBackendTheAdvisorDrainedAndItsOwnerRemovedIsNotPutBack() throws Exception {
    pool.add(Backend.of("old-1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("old-2", "127.0.0.1:9002", 1), Health.UP);
    pool.add(Backend.of("new-1", "127.0.0.1:9003", 1), Health.UP);
    ScalingService s = new ScalingService(new ScalingConfig(Duration.ofSeconds(5), 2, 6, Duration.ZERO, Duration.ZERO,
        List.of(dev.loadstone.lb.scaling.Rule.threshold("rps-per-backend < 1", -1)),
        List.of(dev.loadstone.lb.scaling.ScheduledMinimum.of("daily", "09:00", "10:00", 3, ZoneOffset.UTC)), null, List.of(), null,
        Duration.ofSeconds(5), null, null, true), admin, metrics, null, clock);
    assertThat(s.sample().scaleIn()).containsExactly("new-1");
    admin.remove("new-1").get(5, java.util.concurrent.TimeUnit.SECONDS); // idle: gone at once
    now = Instant.parse("2026-11-30T09:00:00Z");
    Decision out = s.sample();
    assertThat(out.desired()).isEqualTo(3);
    assertThat(pool.snapshot().get("new-1")).isNull();
    assertThat(s.sample().current()).isEqualTo(2);
    s.close();
  }

  @Test
  void currentCountsActiveBackendsNotBeingRemovedAndBoundsApply() {
    pool.add(Backend.of("a", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("b", "127.0.0.1:9002", 1), Health.DOWN); // joined, booting: counts
    pool.add(Backend.of("c", "127.0.0.1:9003", 1), Health.UP);
    admin.drain("c");
    ScalingService s = new ScalingService(config(null), admin, metrics, null, clock);
    Decision d = s.sample();
    assertThat(d.current()).isEqualTo(2);
    assertThat(d.desired()).isEqualTo(2);
    assertThat(s.json().get("desired").asInt()).isEqualTo(2);
    assertThat(metrics.scrape()).contains("loadstone_scaling_desired_backends 2.0").contains("loadstone_scaling_input{metric=\"rps\"} 0.0");
    s.close();
  }

  @Test
  void thePredictiveHistoryIsWrittenOnCloseAndReadAtStart() throws Exception {
    Path file = dir.resolve("history");
    ScalingService s = new ScalingService(config(file), admin, metrics, null, clock);
    for (int i = 0; i < 3; i++) {
      s.sample();
      now = now.plus(Duration.ofMinutes(1));
    }
    s.close();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).containsExactly("# loadstone scaling history v1",
        Instant.parse("2026-11-30T08:00:00Z").toEpochMilli() + " 0.0",
        Instant.parse("2026-11-30T08:01:00Z").toEpochMilli() + " 0.0",
        Instant.parse("2026-11-30T08:02:00Z").toEpochMilli() + " 0.0");

    now = Instant.parse("2026-12-01T08:00:30Z"); // a day later: 08:01 of yesterday is the seasonal value
    ScalingService again = new ScalingService(config(file), admin, metrics, null, clock);
    Decision d = again.sample();
    assertThat(d.reason()).startsWith("rps forecast for 2026-12-01T08:01:00Z (same time last season 0 + 0 smoothed difference) = 0");
    again.close();
  }
}
