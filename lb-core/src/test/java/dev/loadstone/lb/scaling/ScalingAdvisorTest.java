package dev.loadstone.lb.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recorded traces through the advisor: each row is one sample (minute, current, inputs) and the exact decision. */
class ScalingAdvisorTest {
  private static final Instant MONDAY_0800 = Instant.parse("2026-11-30T08:00:00Z"); // a Monday

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now;

    TestClock(Instant start) {
      now = start;
    }

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
  }

  /** A pool of {@code current} backends, each with this CPU and an equal share of {@code rps}. */
  static Load load(int current, double cpu, double p95, double rps) {
    List<BackendLoad> b = new ArrayList<>();
    for (int i = 0; i < current; i++) {
      b.add(new BackendLoad("b" + i, rps / current, 0, cpu, MONDAY_0800.plusSeconds(i)));
    }
    return new Load(current, rps, p95, p95 * 1.5, 0, b);
  }

  /** Runs rows {minute, current, cpu, p95, rps} one minute apart; returns "desired rule" per row. */
  private static List<String> run(ScalingAdvisor.Builder b, TestClock clock, double[][] rows) {
    ScalingAdvisor a = b.clock(clock).build();
    Instant start = clock.now;
    List<String> out = new ArrayList<>();
    for (double[] r : rows) {
      clock.now = start.plus(Duration.ofMinutes((long) r[0]));
      Decision d = a.decide(load((int) r[1], r[2], r[3], r[4]));
      out.add((int) r[0] + ": " + d.desired() + " " + d.rule());
    }
    return out;
  }

  @Test
  void reactiveThresholdsWithCooldownAndAScaleInWindowFollowTheTraceExactly() {
    TestClock clock = new TestClock(MONDAY_0800);
    ScalingAdvisor.Builder b = ScalingAdvisor.builder().bounds(2, 10).cooldown(Duration.ofMinutes(2)).scaleInWindow(Duration.ofMinutes(3))
        .rule(Rule.threshold("cpu > 70%", 2)).rule(Rule.threshold("cpu < 30%", -1)).rule(Rule.threshold("p95 > 500ms", 1));
    double[][] trace = {
        // minute, current, cpu, p95 ms, rps
        {0, 4, 0.50, 100, 400},
        {1, 4, 0.80, 120, 800},  // cpu > 70%: 4 + 2
        {2, 4, 0.85, 130, 800},  // still 6 (the new servers are starting)
        {3, 6, 0.75, 110, 900},  // 6 + 2, cooldown of 2 m since minute 1 is over
        {4, 8, 0.50, 600, 900},  // p95 wants 9: within the cooldown
        {5, 8, 0.20, 100, 300},  // cpu < 30% wants 7: the window still holds the 9 of minute 4
        {6, 8, 0.20, 100, 300},
        {7, 8, 0.20, 100, 300},  // minute 4 is still in the window (it spans minutes 4..7)
        {8, 8, 0.20, 100, 300},  // every recommendation in the window is 7: scale in
        {9, 7, 0.20, 100, 300},  // 6 wanted, the window holds 7 (minutes 6..9)
        {12, 7, 0.20, 100, 300}, // the window (9..12) now holds 6 at most
        {13, 6, 0.10, 100, 100},
    };
    assertThat(run(b, clock, trace)).containsExactly(
        "0: 4 steady",
        "1: 6 cpu > 70%: add 2",
        "2: 6 cpu > 70%: add 2",
        "3: 8 cpu > 70%: add 2",
        "4: 8 cooldown",
        "5: 8 scale-in window",
        "6: 8 scale-in window",
        "7: 8 scale-in window",
        "8: 7 cpu < 30%: remove 1",
        "9: 7 scale-in window",
        "12: 6 cpu < 30%: remove 1",
        "13: 6 scale-in window");
  }

  @Test
  void eachDecisionSaysWhyInWords() {
    TestClock clock = new TestClock(MONDAY_0800);
    ScalingAdvisor a = ScalingAdvisor.builder().bounds(2, 10).cooldown(Duration.ofMinutes(2)).clock(clock)
        .rule(Rule.threshold("cpu > 70%", 2)).rule(Rule.threshold("p95 > 500ms", 1)).build();
    Decision d = a.decide(load(4, 0.82, 100, 400));
    assertThat(d.reason()).isEqualTo("cpu 82% > 70%: 4 + 2 = 6");
    assertThat(d.inputs()).containsEntry(Metric.CPU, 0.82).containsEntry(Metric.RPS_PER_BACKEND, 100.0);
    clock.now = clock.now.plusSeconds(30);
    d = a.decide(load(6, 0.5, 650, 400));
    assertThat(d.rule()).isEqualTo("cooldown");
    assertThat(d.reason()).isEqualTo("wanted 7 (p95 650ms > 500ms: 6 + 1 = 7), but the last change was 30s ago, within the cooldown of 2m");
    assertThat(d.desired()).isEqualTo(6);
  }

  @Test
  void targetTrackingIsHpasFormulaWithItsTenPercentTolerance() {
    TestClock clock = new TestClock(MONDAY_0800);
    ScalingAdvisor.Builder b = ScalingAdvisor.builder().bounds(1, 20).cooldown(Duration.ZERO).scaleInWindow(Duration.ZERO)
        .rule(Rule.target("cpu", "60%"));
    double[][] trace = {
        {0, 4, 0.90, 100, 400},  // ceil(4 x 1.5) = 6
        {1, 6, 0.63, 100, 400},  // within 10%: keep 6
        {2, 6, 0.20, 100, 400},  // ceil(6 x 0.333) = 2
        {3, 2, 0.95, 100, 400},  // ceil(2 x 1.583) = 4
    };
    assertThat(run(b, clock, trace)).containsExactly(
        "0: 6 target cpu 60%", "1: 6 target cpu 60%", "2: 2 target cpu 60%", "3: 4 target cpu 60%");
    ScalingAdvisor a = ScalingAdvisor.builder().clock(clock).rule(Rule.target("rps-per-backend", "100")).build();
    assertThat(a.decide(load(3, 0.5, 10, 1000)).reason()).isEqualTo("rps-per-backend 333.3 against target 100: ceil(3 x 3.33) = 10");
  }

  @Test
  void aScheduledMinimumHoldsAFloorOnWeekdaysFromNineToFive() {
    TestClock clock = new TestClock(MONDAY_0800);
    ScalingAdvisor.Builder b = ScalingAdvisor.builder().bounds(2, 10).cooldown(Duration.ZERO).scaleInWindow(Duration.ZERO)
        .rule(Rule.target("cpu", "50%"))
        .schedule(ScheduledMinimum.of("mon-fri", "09:00", "17:00", 6, ZoneOffset.UTC));
    double[][] trace = {
        {59, 2, 0.50, 100, 100},      // 08:59: the rule keeps 2
        {60, 2, 0.50, 100, 100},      // 09:00: at least 6
        {60 * 9 - 1, 6, 0.10, 100, 100}, // 16:59: still at least 6
        {60 * 9, 6, 0.10, 100, 100},  // 17:00: the floor is gone; ceil(6 x 0.2) = 2
        {60 * 24 * 5 + 60, 2, 0.5, 100, 100}, // Saturday 09:00: no floor
    };
    List<String> got = run(b, clock, trace);
    assertThat(got).containsExactly(
        "59: 2 target cpu 50%",
        "60: 6 schedule mon-fri 09:00-17:00 at least 6 (Z)",
        "539: 6 schedule mon-fri 09:00-17:00 at least 6 (Z)",
        "540: 2 target cpu 50%",
        "7260: 2 target cpu 50%");
  }

  @Test
  void boundsWinOverEveryRuleAndNoRuleKeepsTheLastDesiredCount() {
    TestClock clock = new TestClock(MONDAY_0800);
    ScalingAdvisor a = ScalingAdvisor.builder().bounds(2, 5).cooldown(Duration.ZERO).scaleInWindow(Duration.ZERO).clock(clock)
        .rule(Rule.threshold("cpu > 70%", 10)).rule(Rule.threshold("cpu < 30%", -5)).build();
    Decision d = a.decide(load(4, 0.9, 100, 100));
    assertThat(d.desired()).isEqualTo(5);
    assertThat(d.rule()).isEqualTo("max");
    assertThat(d.reason()).isEqualTo("cpu 90% > 70%: 4 + 10 = 14; bounded by max 5");
    clock.now = clock.now.plusSeconds(60);
    d = a.decide(load(5, 0.1, 100, 100));
    assertThat(d.desired()).isEqualTo(2);
    assertThat(d.rule()).isEqualTo("min");
    clock.now = clock.now.plusSeconds(60);
    d = a.decide(load(2, Double.NaN, Double.NaN, 0));
    assertThat(d.desired()).as("no CPU reported: no rule has an opinion").isEqualTo(2);
    assertThat(d.rule()).isEqualTo("steady");
    assertThat(d.reason()).isEqualTo("no rule fired: keep 2");
  }

  @Test
  void scaleInNamesTheLeastLoadedBackendsNewestFirst() {
    Instant t = MONDAY_0800;
    Load l = new Load(4, 40, 10, 20, 0, List.of(
        new BackendLoad("old-idle", 10, 0, 0.1, t),
        new BackendLoad("new-idle", 10, 0, 0.1, t.plusSeconds(60)),
        new BackendLoad("busy", 10, 5, 0.1, t.plusSeconds(120)),
        new BackendLoad("one", 10, 1, 0.1, t.plusSeconds(180))));
    assertThat(ScalingAdvisor.scaleIn(l, 2)).containsExactly("new-idle", "old-idle");
    assertThat(ScalingAdvisor.scaleIn(l, 1)).containsExactly("new-idle", "old-idle", "one");
    assertThat(ScalingAdvisor.scaleIn(l, 4)).isEmpty();
  }

  @Test
  void badRulesAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> Rule.threshold("cpu >> 70%", 1))
        .hasMessage("condition: 'cpu >> 70%' (expected: METRIC > VALUE or METRIC < VALUE, e.g. cpu > 70%)");
    assertThatThrownBy(() -> Rule.threshold("memory > 70%", 1))
        .hasMessage("metric: 'memory' (expected: one of cpu, rps-per-backend, rps, in-flight-per-backend, p95, p99, error-rate)");
    assertThatThrownBy(() -> Rule.threshold("p95 > 500", 1)).hasMessage("p95 value: '500' (expected: a time such as 500ms or 1.5s)");
    assertThatThrownBy(() -> Rule.threshold("cpu > 70%", 0)).hasMessage("rule 'cpu > 70%' change: 0 (expected: add or remove 1..1000)");
    assertThatThrownBy(() -> Rule.target("p95", "200ms")).hasMessageStartingWith("target metric: 'p95' (expected: cpu, rps-per-backend");
    assertThatThrownBy(() -> ScheduledMinimum.of("mon-fry", "09:00", "17:00", 6, ZoneOffset.UTC)).hasMessageStartingWith("schedule days: 'mon-fry'");
    assertThatThrownBy(() -> ScalingAdvisor.builder().bounds(5, 3)).hasMessageStartingWith("scaling min/max: 5/3");
    assertThatThrownBy(() -> ScalingAdvisor.builder().bounds(1, 4).schedule(ScheduledMinimum.of("daily", "09:00", "17:00", 6, ZoneOffset.UTC)).build())
        .hasMessage("schedule 'daily 09:00-17:00 at least 6 (Z)' min: 6 (expected: at most max 4)");
  }

  @Test
  void anOvernightWindowBelongsToTheDayItStartsOn() {
    ScheduledMinimum s = ScheduledMinimum.of("fri", "22:00", "06:00", 3, ZoneOffset.UTC);
    assertThat(s.activeAt(Instant.parse("2026-12-04T23:00:00Z"))).as("Friday 23:00").isTrue();
    assertThat(s.activeAt(Instant.parse("2026-12-05T05:59:00Z"))).as("Saturday 05:59").isTrue();
    assertThat(s.activeAt(Instant.parse("2026-12-05T06:00:00Z"))).as("Saturday 06:00").isFalse();
    assertThat(s.activeAt(Instant.parse("2026-12-04T05:00:00Z"))).as("Friday 05:00 belongs to Thursday").isFalse();
  }
}
