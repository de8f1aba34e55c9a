package dev.loadstone.lb.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * A forecast of one series (the pool's request rate) from its own past, in fixed steps (default one minute)
 * over a bounded history of one season (default a week) plus the lead: seasonal naive ("the same time last
 * week", Hyndman and Athanasopoulos, "Forecasting: Principles and Practice", section 5.2) plus a smoothed
 * correction, the exponentially weighted mean of how far each recent step was from its value one season
 * before (so a week that runs 20% busier lifts the whole forecast). Without a season of history it falls back
 * to Holt's linear trend (level and trend, each exponentially smoothed). Memory: one double per step.
 * Not thread-safe; the advisor's one caller drives it.
 */
public final class SeasonalForecast {
  private final long stepMillis;
  private final int seasonSteps;
  private final int leadSteps;
  private final double alpha;
  private final double[] values; // ring of step means, NaN = no data
  private final long[] stepOf; // which step each slot holds
  private long openStep = Long.MIN_VALUE;
  private double openSum;
  private int openCount;
  private double offset = Double.NaN; // smoothed (value - value one season before)
  private double level = Double.NaN;
  private double trend = 0;

  /**
   * @param season the seasonal period (7 days for "same time last week"); a whole number of steps
   * @param lead how far ahead the forecast looks (the time a new backend takes to start and pass its checks)
   * @param alpha smoothing weight of the newest step, 0..1 (0.3 is a common choice)
   */
  public SeasonalForecast(Duration step, Duration season, Duration lead, double alpha) {
    if (step.toMillis() < 1000 || season.toMillis() % step.toMillis() != 0 || season.compareTo(step) <= 0) {
      throw new IllegalArgumentException("predictive step " + step + " / season " + season
          + " (expected: a step of at least 1s, a season a whole number (> 1) of steps)");
    }
    if (lead.isNegative() || lead.compareTo(season) >= 0) {
      throw new IllegalArgumentException("predictive lead: " + lead + " (expected: 0 <= lead < season " + season + ")");
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("predictive alpha: " + alpha + " (expected: 0 < alpha <= 1)");
    }
    this.stepMillis = step.toMillis();
    this.seasonSteps = (int) (season.toMillis() / stepMillis);
    this.leadSteps = (int) Math.ceil(lead.toMillis() / (double) stepMillis);
    this.alpha = alpha;
    int size = seasonSteps + 1;
    this.values = new double[size];
    this.stepOf = new long[size];
    Arrays.fill(values, Double.NaN);
    Arrays.fill(stepOf, Long.MIN_VALUE);
  }

  /** One observation at {@code at}; a step closes when the first observation of a later step arrives. */
  public void record(Instant at, double value) {
    if (Double.isNaN(value)) {
      return;
    }
    long step = Math.floorDiv(at.toEpochMilli(), stepMillis);
    if (step < openStep) {
      return; // the clock went back: ignore
    }
    if (step != openStep) {
      close();
      openStep = step;
    }
    openSum += value;
    openCount++;
  }

  private void close() {
    if (openCount == 0) {
      return;
    }
    double mean = openSum / openCount;
    put(openStep, mean);
    double before = get(openStep - seasonSteps);
    if (!Double.isNaN(before)) {
      offset = Double.isNaN(offset) ? mean - before : alpha * (mean - before) + (1 - alpha) * offset;
    }
    if (Double.isNaN(level)) {
      level = mean;
    } else {
      double prev = level;
      level = alpha * mean + (1 - alpha) * (level + trend);
      trend = alpha * (level - prev) + (1 - alpha) * trend;
    }
    openSum = 0;
    openCount = 0;
  }

  private void put(long step, double v) {
    int i = (int) Math.floorMod(step, (long) values.length);
    values[i] = v;
    stepOf[i] = step;
  }

  /** The mean of a closed step, or NaN when it is not in the history. */
  double get(long step) {
    int i = (int) Math.floorMod(step, (long) values.length);
    return stepOf[i] == step ? values[i] : Double.NaN;
  }

  /** The forecast for the step {@code lead} after {@code now}, with how it was made; null without any history. */
  public Forecast forecast(Instant now) {
    long target = Math.floorDiv(now.toEpochMilli(), stepMillis) + leadSteps;
    double seasonal = get(target - seasonSteps);
    if (!Double.isNaN(seasonal)) {
      double off = Double.isNaN(offset) ? 0 : offset;
      return new Forecast(Math.max(0, seasonal + off), Instant.ofEpochMilli(target * stepMillis),
          "same time last season " + round(seasonal) + (off >= 0 ? " + " : " - ") + round(Math.abs(off)) + " smoothed difference");
    }
    if (Double.isNaN(level)) {
      return null;
    }
    long h = target - (openStep == Long.MIN_VALUE ? target : openStep) + 1;
    return new Forecast(Math.max(0, level + trend * h), Instant.ofEpochMilli(target * stepMillis),
        "no season of history yet: level " + round(level) + (trend >= 0 ? " + " : " - ") + round(Math.abs(trend)) + " x " + h + " steps of trend");
  }

  /** A forecast value for the step starting at {@code at}, and how it was made. */
  public record Forecast(double value, Instant at, String how) {}

  /**
   * The steps, oldest first, as {step start epoch ms, mean} pairs (for a history file): the closed ones and the
   * open one so far (restored, it counts as closed). Changes nothing.
   */
  public double[][] history() {
    java.util.List<double[]> out = new java.util.ArrayList<>();
    Arrays.stream(stepOf).filter(s -> s != Long.MIN_VALUE && s != openStep).sorted()
        .forEach(s -> out.add(new double[] {s * stepMillis, get(s)}));
    if (openCount > 0) {
      out.add(new double[] {openStep * stepMillis, openSum / openCount});
    }
    return out.toArray(new double[0][]);
  }

  /** Puts recorded steps back ({step start epoch ms, mean} pairs, oldest first), e.g. after a restart. */
  public void restore(double[][] steps) {
    for (double[] p : steps) {
      long step = Math.floorDiv((long) p[0], stepMillis);
      openStep = step;
      openSum = p[1];
      openCount = 1;
      close();
    }
    openStep = Long.MIN_VALUE;
  }

  private static String round(double v) {
    double r = Math.round(v * 10) / 10.0;
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }
}
