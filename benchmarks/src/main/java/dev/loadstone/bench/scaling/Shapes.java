package dev.loadstone.bench.scaling;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;

/**
 * The load shapes the simulator replays, one value a minute from Monday 2026-11-16 00:00 UTC, each with a week
 * of ordinary traffic first so the predictive policy has a season of history: a daily cycle (trough 04:00, a
 * cosine to 16:00, office hours 09:00-17:00 on top on weekdays), Black Friday (2026-11-27: the rate climbs to
 * 50,000 requests/s, 50x the ordinary peak of 1,000, in the first hour and holds for 24 hours) and a sudden 10x
 * burst (Wednesday of the second week, 14:00, for two hours). A seeded noise of +-5% a minute keeps the
 * reactive rules honest; the same seed gives the same trace.
 */
public final class Shapes {
  public static final Instant START = Instant.parse("2026-11-16T00:00:00Z");
  public static final Duration STEP = Duration.ofMinutes(1);
  private static final int DAY = 24 * 60;

  private Shapes() {}

  /** Two weeks of the daily cycle between {@code trough} and {@code peak} requests/s. */
  public static Trace daily(double trough, double peak) {
    return trace("daily", 14 * DAY, (t, i) -> cycle(t, trough, peak));
  }

  /** A week and four days at 300..1,000 requests/s, then Friday at 50,000 (ramp in the first hour) and Saturday. */
  public static Trace blackFriday() {
    Instant friday = Instant.parse("2026-11-27T00:00:00Z");
    return trace("black-friday", 13 * DAY, (t, i) -> {
      double base = cycle(t, 300, 1_000);
      long m = Duration.between(friday, t).toMinutes();
      if (m < 0 || m >= DAY + 60) {
        return base;
      }
      double ramp = m < 60 ? m / 60.0 : m >= DAY ? (DAY + 60 - m) / 60.0 : 1;
      return base + ramp * (50_000 - base);
    });
  }

  /** Eight days of the daily cycle at 500..2,000 requests/s, with the rate 10x for two hours from Wednesday (day 10) 14:00. */
  public static Trace burst() {
    Instant from = Instant.parse("2026-11-25T14:00:00Z");
    return trace("burst", 11 * DAY, (t, i) -> {
      double base = cycle(t, 500, 2_000);
      long m = Duration.between(from, t).toMinutes();
      return m >= 0 && m < 120 ? 10 * base : base;
    });
  }

  /**
   * Trough at 04:00, a raised cosine to 60% of the range at 16:00, and on weekdays the office hours on top: the
   * other 40% from 09:00 to 17:00, reached in a 10-minute ramp (a morning opening that outruns servers that
   * take minutes to start). On Saturday and Sunday the rise above the trough is 60% of a weekday's cosine.
   */
  static double cycle(Instant t, double trough, double peak) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    double hour = z.getHour() + z.getMinute() / 60.0;
    double shape = 0.5 - 0.5 * Math.cos(2 * Math.PI * (hour - 4) / 24);
    boolean weekend = z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY;
    double office = weekend ? 0 : Math.max(0, Math.min(1, Math.min((hour - 9) * 6, (17 - hour) * 6)));
    return trough + (peak - trough) * ((weekend ? 0.6 : 1) * 0.6 * shape + 0.4 * office);
  }

  private interface Rate {
    double at(Instant t, int i);
  }

  private static Trace trace(String name, int steps, Rate rate) {
    SplittableRandom noise = new SplittableRandom(name.hashCode());
    double[] rps = new double[steps];
    for (int i = 0; i < steps; i++) {
      double v = rate.at(START.plus(STEP.multipliedBy(i)), i) * (0.95 + 0.1 * noise.nextDouble());
      rps[i] = Math.round(v * 10) / 10.0;
    }
    return new Trace(name, START, STEP, rps);
  }
}
