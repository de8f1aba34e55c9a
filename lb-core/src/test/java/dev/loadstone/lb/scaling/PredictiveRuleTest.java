package dev.loadstone.lb.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A daily peak at noon, recorded once, is served ahead of time the next day (season 1 day, steps of 1 hour). */
class PredictiveRuleTest {
  private static final Instant DAY0 = Instant.parse("2026-11-30T00:00:00Z");

  private static SeasonalForecast daily() {
    return new SeasonalForecast(Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1), 0.5);
  }

  /** Decides once an hour over day 0 (noon peak 1000 rps, else 100) and day 1 (rates from {@code day1}); returns day 1's rows. */
  private static List<String> run(double[] day1, int[] day1Current) {
    ScalingAdvisorTest.TestClock clock = new ScalingAdvisorTest.TestClock(DAY0);
    ScalingAdvisor a = ScalingAdvisor.builder().bounds(1, 10).cooldown(Duration.ZERO).scaleInWindow(Duration.ZERO).clock(clock)
        .rule(Rule.predictive(daily(), 200)).rule(Rule.target("rps-per-backend", "200")).build();
    for (int h = 0; h < 24; h++) {
      clock.now = DAY0.plus(Duration.ofHours(h));
      double rps = h == 12 ? 1000 : 100;
      a.decide(ScalingAdvisorTest.load(h == 12 ? 5 : 1, 0.5, 100, rps));
    }
    List<String> out = new ArrayList<>();
    for (int h = 0; h < day1.length; h++) {
      clock.now = DAY0.plus(Duration.ofHours(24 + h));
      Decision d = a.decide(ScalingAdvisorTest.load(day1Current[h], 0.5, 100, day1[h]));
      out.add(h + ":00 " + d.desired() + " " + d.rule() + (h >= 10 ? " | " + d.reason() : ""));
    }
    return out;
  }

  @Test
  void theNoonPeakOfYesterdayIsStaffedAnHourAhead() {
    double[] rps = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 1000};
    int[] current = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5};
    List<String> rows = run(rps, current);
    assertThat(rows.subList(10, 13)).containsExactly(
        "10:00 1 predictive rps at 200 per backend | rps forecast for 2026-12-01T11:00:00Z (same time last season 100 + 0 smoothed difference) = 100 at 200 per backend: 1",
        "11:00 5 predictive rps at 200 per backend | rps forecast for 2026-12-01T12:00:00Z (same time last season 1000 + 0 smoothed difference) = 1000 at 200 per backend: 5",
        "12:00 5 target rps-per-backend 200 | rps-per-backend 200 is within 10% of the target 200: keep 5");
  }

  @Test
  void aBusierDayLiftsTheForecastByTheSmoothedDifference() {
    double[] rps = new double[12];
    int[] current = new int[12];
    java.util.Arrays.fill(rps, 150);
    java.util.Arrays.fill(current, 1);
    List<String> rows = run(rps, current);
    assertThat(rows.get(11)).isEqualTo("11:00 6 predictive rps at 200 per backend | rps forecast for 2026-12-01T12:00:00Z"
        + " (same time last season 1000 + 50 smoothed difference) = 1050 at 200 per backend: 6");
  }

  @Test
  void withoutAnyHistoryItHasNoOpinionAndWithoutASeasonItFollowsTheTrend() {
    SeasonalForecast f = daily();
    assertThat(f.forecast(DAY0)).isNull();
    f.record(DAY0, 100);
    f.record(DAY0.plus(Duration.ofHours(1)), 200); // closes hour 0 (level 100)
    f.record(DAY0.plus(Duration.ofHours(2)), 300); // closes hour 1: level 150, trend 25
    SeasonalForecast.Forecast fc = f.forecast(DAY0.plus(Duration.ofHours(2)));
    assertThat(fc.value()).isEqualTo(150 + 25 * 2.0);
    assertThat(fc.how()).isEqualTo("no season of history yet: level 150 + 25 x 2 steps of trend");
  }

  @Test
  void theHistoryCanBeSavedAndRestoredSoARestartKeepsTheModel() {
    SeasonalForecast f = daily();
    for (int h = 0; h < 24; h++) {
      f.record(DAY0.plus(Duration.ofHours(h)), h == 12 ? 1000 : 100);
    }
    double[][] saved = f.history();
    assertThat(saved).hasNumberOfRows(24);
    SeasonalForecast g = daily();
    g.restore(saved);
    assertThat(g.forecast(DAY0.plus(Duration.ofHours(35))).value()).isEqualTo(1000);
    assertThat(g.get(Math.floorDiv(DAY0.toEpochMilli(), 3_600_000L) + 12)).isEqualTo(1000);
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new SeasonalForecast(Duration.ofMinutes(7), Duration.ofDays(1), Duration.ofMinutes(10), 0.3))
        .hasMessageStartingWith("predictive step PT7M / season PT24H");
    assertThatThrownBy(() -> new SeasonalForecast(Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofDays(2), 0.3))
        .hasMessage("predictive lead: PT48H (expected: 0 <= lead < season PT24H)");
    assertThatThrownBy(() -> Rule.predictive(daily(), 0)).hasMessage("predictive per-backend: 0.0 (expected: requests per second > 0)");
  }
}
