package dev.loadstone.lb.scaling;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * "Weekdays 09:00-17:00 at least 6": a floor under the count during a weekly window, in a time zone (as
 * KEDA's cron scaler and AWS scheduled actions do). {@code from} is inclusive, {@code to} exclusive; a window
 * whose end is before its start runs past midnight (22:00-06:00) and belongs to the day it starts on.
 */
public final class ScheduledMinimum {
  private final Set<DayOfWeek> days;
  private final String daysText;
  private final LocalTime from;
  private final LocalTime to;
  private final int min;
  private final ZoneId zone;

  private ScheduledMinimum(Set<DayOfWeek> days, String daysText, LocalTime from, LocalTime to, int min, ZoneId zone) {
    this.days = days;
    this.daysText = daysText;
    this.from = from;
    this.to = to;
    this.min = min;
    this.zone = zone;
  }

  /**
   * @param days {@code mon-fri}, {@code sat,sun}, {@code daily}, or names and ranges mixed ({@code mon,wed-fri})
   * @param from {@code HH:MM}; @param to {@code HH:MM} ({@code 24:00} for the end of the day)
   */
  public static ScheduledMinimum of(String days, String from, String to, int min, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (min < 0 || min > 10_000) {
      throw new IllegalArgumentException("schedule min: " + min + " (expected: 0..10000)");
    }
    LocalTime f = time("from", from);
    LocalTime t = "24:00".equals(to) ? LocalTime.MIDNIGHT : time("to", to);
    if (f.equals(t) && !"24:00".equals(to)) {
      throw new IllegalArgumentException("schedule to: '" + to + "' (expected: a time other than from " + from + ")");
    }
    return new ScheduledMinimum(days(days), days.trim().toLowerCase(Locale.ROOT), f, t, min, zone);
  }

  private static LocalTime time(String field, String text) {
    try {
      return LocalTime.parse(text == null ? "" : text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("schedule " + field + ": '" + text + "' (expected: HH:MM, e.g. 09:00)");
    }
  }

  static Set<DayOfWeek> days(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("daily") || t.equals("*")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    if (t.equals("weekdays")) {
      return EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    }
    if (t.equals("weekends")) {
      return EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    }
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (String part : t.split(",")) {
      String[] range = part.trim().split("-");
      if (range.length > 2) {
        throw badDays(text);
      }
      DayOfWeek a = day(range[0], text);
      DayOfWeek b = range.length == 2 ? day(range[1], text) : a;
      for (DayOfWeek d = a; ; d = d.plus(1)) { // mon-fri, and fri-mon across the week's end
        out.add(d);
        if (d == b) {
          break;
        }
      }
    }
    return out;
  }

  private static DayOfWeek day(String s, String whole) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().toLowerCase(Locale.ROOT).substring(0, 3).equals(s.trim())) {
        return d;
      }
    }
    throw badDays(whole);
  }

  private static IllegalArgumentException badDays(String text) {
    return new IllegalArgumentException("schedule days: '" + text
        + "' (expected: daily, weekdays, weekends, or days and ranges such as mon-fri or sat,sun)");
  }

  public int min() {
    return min;
  }

  /** Whether the window is open at this instant. */
  public boolean activeAt(java.time.Instant at) {
    ZonedDateTime z = at.atZone(zone);
    LocalTime t = z.toLocalTime();
    boolean overnight = !to.isAfter(from); // 22:00-06:00, or to 24:00
    if (!overnight) {
      return days.contains(z.getDayOfWeek()) && !t.isBefore(from) && t.isBefore(to);
    }
    if (!t.isBefore(from)) {
      return days.contains(z.getDayOfWeek());
    }
    return t.isBefore(to) && days.contains(z.getDayOfWeek().minus(1)); // the part after midnight
  }

  /** {@code mon-fri 09:00-17:00 at least 6 (Europe/Berlin)}. */
  @Override
  public String toString() {
    return daysText + " " + from + "-" + (to.equals(LocalTime.MIDNIGHT) ? "24:00" : to.toString()) + " at least " + min + " (" + zone + ")";
  }
}
