package dev.loadstone.proxy.scaling;

import dev.loadstone.lb.scaling.Rule;
import dev.loadstone.lb.scaling.ScalingAdvisor;
import dev.loadstone.lb.scaling.ScheduledMinimum;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code scaling:} section of the proxy's YAML, checked: how often the advisor runs, its bounds, cooldown
 * and scale-in window, its rules and scheduled minimums, the response header backends report their CPU in
 * (or null), and the hook called when the desired count changes (a command's argv and/or a webhook URL).
 */
public record ScalingConfig(Duration interval, int min, int max, Duration cooldown, Duration scaleInWindow,
    List<Rule> rules, List<ScheduledMinimum> schedule, String cpuHeader, List<String> command, URI webhook,
    Duration hookTimeout, Predictive predictive, java.nio.file.Path historyFile, boolean drainOnScaleIn) {
  /**
   * The predictive rule's settings: capacity per backend (requests per second), how far ahead, the season
   * and step of its history, the smoothing weight.
   */
  public record Predictive(double perBackend, Duration lead, Duration season, Duration step, double alpha) {
    public Predictive {
      newForecast(step, season, lead, alpha); // checks them
      Rule.predictive(newForecast(step, season, lead, alpha), perBackend);
    }

    /** A new, empty forecast with these settings. */
    public dev.loadstone.lb.scaling.SeasonalForecast newForecast() {
      return newForecast(step, season, lead, alpha);
    }

    private static dev.loadstone.lb.scaling.SeasonalForecast newForecast(Duration step, Duration season, Duration lead, double alpha) {
      return new dev.loadstone.lb.scaling.SeasonalForecast(step, season, lead, alpha);
    }

    @Override
    public String toString() {
      return "predictive rps at " + perBackend + " per backend, " + lead + " ahead";
    }
  }

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(3);
  public static final Duration DEFAULT_SCALE_IN_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(30);

  public ScalingConfig {
    Objects.requireNonNull(interval, "interval");
    rules = List.copyOf(rules);
    schedule = List.copyOf(schedule);
    command = command == null ? List.of() : List.copyOf(command);
    advisor(Clock.systemUTC(), min, max, cooldown, scaleInWindow, rules, schedule); // checks bounds and schedule
  }

  /** A new advisor with these policies (and {@code extra} rules, e.g. the predictive one), reading time from {@code clock}. */
  public ScalingAdvisor advisor(Clock clock, Rule... extra) {
    List<Rule> all = new java.util.ArrayList<>(rules);
    all.addAll(List.of(extra));
    return advisor(clock, min, max, cooldown, scaleInWindow, all, schedule);
  }

  private static ScalingAdvisor advisor(Clock clock, int min, int max, Duration cooldown, Duration window, List<Rule> rules,
      List<ScheduledMinimum> schedule) {
    ScalingAdvisor.Builder b = ScalingAdvisor.builder().bounds(min, max).cooldown(cooldown).scaleInWindow(window).clock(clock);
    rules.forEach(b::rule);
    schedule.forEach(b::schedule);
    return b.build();
  }

  @Override
  public String toString() {
    return "min " + min + ", max " + max + ", rules " + rules + (predictive == null ? "" : " + " + predictive) + ", schedule " + schedule;
  }
}
