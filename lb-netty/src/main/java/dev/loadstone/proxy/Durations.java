package dev.loadstone.proxy;

import java.time.Duration;

/** Parses the human durations used by flags and YAML: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}. */
final class Durations {
  private Durations() {}

  static Duration parse(String key, String text) {
    String t = text == null ? "" : text.trim();
    int unitAt = 0;
    while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
      unitAt++;
    }
    String number = t.substring(0, unitAt);
    String unit = t.substring(unitAt);
    if (number.isEmpty() || number.length() > 12) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: a duration such as 500ms, 2s or 1m)");
    }
    long n = Long.parseLong(number);
    switch (unit) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      case "d":
        return Duration.ofDays(n);
      default:
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: a duration such as 500ms, 2s or 1m)");
    }
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms != 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms != 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** Byte sizes: {@code 1048576}, {@code 64k}, {@code 10m}, {@code 1g} (binary multiples). */
  static long parseSize(String key, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    long mult = 1;
    if (t.endsWith("k")) {
      mult = 1L << 10;
    } else if (t.endsWith("m")) {
      mult = 1L << 20;
    } else if (t.endsWith("g")) {
      mult = 1L << 30;
    }
    String digits = mult == 1 ? t : t.substring(0, t.length() - 1);
    if (digits.isEmpty() || digits.length() > 15 || !digits.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: a size in bytes such as 0, 1048576, 64k, 10m or 1g)");
    }
    return Long.parseLong(digits) * mult;
  }
}
