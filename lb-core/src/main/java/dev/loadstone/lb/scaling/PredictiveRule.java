package dev.loadstone.lb.scaling;

import java.time.Instant;

/**
 * Capacity ahead of the load: records the pool's request rate into a {@link SeasonalForecast} at every
 * decision and proposes ceil(forecast / perBackend) backends for the step {@code lead} ahead, so a known daily
 * or weekly peak finds its servers already started (AWS predictive scaling and Netflix's Scryer work this way).
 */
final class PredictiveRule implements Rule {
  private final SeasonalForecast forecast;
  private final double perBackend;

  PredictiveRule(SeasonalForecast forecast, double perBackend) {
    if (!(perBackend > 0) || Double.isInfinite(perBackend)) {
      throw new IllegalArgumentException("predictive per-backend: " + perBackend + " (expected: requests per second > 0)");
    }
    this.forecast = forecast;
    this.perBackend = perBackend;
  }

  @Override
  public String name() {
    return "predictive rps at " + Metric.RPS.format(perBackend) + " per backend";
  }

  @Override
  public Proposal propose(Load load) {
    return propose(load, Instant.now());
  }

  @Override
  public Proposal propose(Load load, Instant now) {
    forecast.record(now, load.requestRate());
    SeasonalForecast.Forecast f = forecast.forecast(now);
    if (f == null) {
      return null;
    }
    int desired = (int) Math.ceil(f.value() / perBackend - 1e-9);
    return new Proposal(desired, "rps forecast for " + f.at() + " (" + f.how() + ") = " + Metric.RPS.format(f.value())
        + " at " + Metric.RPS.format(perBackend) + " per backend: " + desired);
  }

  SeasonalForecast forecast() {
    return forecast;
  }

  @Override
  public String toString() {
    return name();
  }
}
