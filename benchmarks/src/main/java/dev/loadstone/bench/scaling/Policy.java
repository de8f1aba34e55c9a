package dev.loadstone.bench.scaling;

import dev.loadstone.lb.scaling.Rule;
import dev.loadstone.lb.scaling.ScalingAdvisor;
import dev.loadstone.lb.scaling.ScheduledMinimum;
import dev.loadstone.lb.scaling.SeasonalForecast;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One way to size the pool, replayed by {@link Simulation}: a fixed count (sized for the trace's peak), or a
 * real lb-core {@link ScalingAdvisor} built with the policies the proxy's {@code scaling:} section takes. All
 * the advisor policies share the bounds, cooldown and scale-in window and the reactive rule (target tracking
 * of requests/s per backend), as the proxy runs them; "predictive" adds the seasonal forecast, "scheduled" adds
 * scheduled minimums, each on top of the reactive rule (AWS recommends predictive with a reactive policy, so a
 * load the history has never seen is still answered).
 */
public record Policy(String name, int fixed, List<ScheduledMinimum> schedule, boolean predictive, Settings settings) {
  /** What every advisor policy shares: the per-backend target, bounds, cooldown, scale-in window and forecast lead. */
  public record Settings(double targetRps, int min, int max, Duration cooldown, Duration scaleInWindow, Duration lead,
      Duration season) {
    /**
     * Target 300 requests/s per backend (60% of the model's 500: with target tracking's 10% tolerance a server
     * runs at up to 66%, a p95 of 176 ms, under the 250 ms target), 2..250, the proxy's default cooldown and window.
     */
    public static Settings standard() {
      return new Settings(300, 2, 250, Duration.ofMinutes(3), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofDays(7));
    }
  }

  public static Policy fixed(int servers) {
    return new Policy("fixed peak (" + servers + ")", servers, List.of(), false, Settings.standard());
  }

  public static Policy reactive(Settings s) {
    return new Policy("reactive", 0, List.of(), false, s);
  }

  public static Policy predictive(Settings s) {
    return new Policy("predictive", 0, List.of(), true, s);
  }

  public static Policy scheduled(Settings s, List<ScheduledMinimum> schedule) {
    return new Policy("scheduled", 0, schedule, false, s);
  }

  /** Servers for {@code peak} requests/s at the target utilization: what a fixed pool needs. */
  public static int forPeak(double peak, Settings s) {
    return (int) Math.ceil(peak / s.targetRps() - 1e-9);
  }

  /** "Weekdays 08:00-22:00 at least n" in UTC, the shape of an operator's office-hours schedule. */
  public static ScheduledMinimum weekdays(String from, String to, int n) {
    return ScheduledMinimum.of("mon-fri", from, to, n, ZoneOffset.UTC);
  }

  public boolean isFixed() {
    return fixed > 0;
  }

  /** A new advisor for this policy reading time from {@code clock} (a fixed policy has none). */
  public ScalingAdvisor advisor(Clock clock, Duration step) {
    if (isFixed()) {
      throw new IllegalStateException(name + " has no advisor");
    }
    ScalingAdvisor.Builder b = ScalingAdvisor.builder().bounds(settings.min(), settings.max()).cooldown(settings.cooldown())
        .scaleInWindow(settings.scaleInWindow()).clock(clock)
        .rule(Rule.target("rps-per-backend", Double.toString(settings.targetRps())));
    if (predictive) {
      b.rule(Rule.predictive(new SeasonalForecast(step, settings.season(), settings.lead(), 0.3), settings.targetRps()));
    }
    schedule.forEach(b::schedule);
    return b.build();
  }
}
