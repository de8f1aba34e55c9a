package dev.loadstone.lb.scaling;

/**
 * One scaling policy that proposes a backend count from the load: a reactive threshold ({@link #threshold})
 * or target tracking ({@link #target}). A rule with nothing to say (its condition is false, its metric
 * unknown) returns null. The advisor takes the largest proposal, so scaling out wins over scaling in.
 */
public interface Rule {
  /** The rule as written, e.g. {@code cpu > 70%: add 2}; named by each decision it makes. */
  String name();

  /** The count this rule wants, with why in words, or null. */
  Proposal propose(Load load);

  /** As {@link #propose(Load)}, at this instant (a rule that keeps history, as {@link #predictive}, uses it). */
  default Proposal propose(Load load, java.time.Instant now) {
    return propose(load);
  }

  /** What a rule wants and why. */
  record Proposal(int desired, String reason) {}

  /**
   * "When {@code condition} holds, change the count by {@code change}" ({@code +2} adds two, {@code -1} removes
   * one), as users write it: {@code threshold("cpu > 70%", 2)}, {@code threshold("p95 > 500ms", 1)}.
   */
  static Rule threshold(String condition, int change) {
    return new ThresholdRule(Condition.parse(condition), change);
  }

  /**
   * Target tracking, the rule of Kubernetes' HPA: desired = ceil(current x value / target), for a per-backend
   * metric ({@code cpu}, {@code rps-per-backend}, {@code in-flight-per-backend}); within 10% of the target it
   * keeps the count (HPA's tolerance), so noise does not move it.
   */
  /**
   * Predictive: capacity for the pool's request rate {@code lead} ahead, as {@link SeasonalForecast} forecasts
   * it (same time last season plus the smoothed difference from it), at {@code perBackend} requests per second
   * per backend: desired = ceil(forecast / perBackend). Adds capacity before a known daily or weekly peak.
   */
  static Rule predictive(SeasonalForecast forecast, double perBackend) {
    return new PredictiveRule(forecast, perBackend);
  }

  static Rule target(String metric, String target) {
    Metric m = Metric.parse(metric);
    return new TargetTracking(m, m.parseValue(target));
  }
}
