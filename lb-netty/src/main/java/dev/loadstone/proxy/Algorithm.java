package dev.loadstone.proxy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The balancing algorithms the proxy can run, by their flag/YAML name. */
public enum Algorithm {
  ROUND_ROBIN,
  WEIGHTED_ROUND_ROBIN,
  LEAST_CONNECTIONS,
  POWER_OF_TWO,
  RANDOM,
  CONSISTENT_HASH;

  /** The name used on the command line and in YAML, e.g. {@code weighted-round-robin}. */
  public String flagName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Algorithm parse(String text) {
    for (Algorithm a : values()) {
      if (a.flagName().equals(text)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "algorithm: '" + text + "' (expected: one of "
            + Arrays.stream(values()).map(Algorithm::flagName).collect(Collectors.joining(", ")) + ")");
  }
}
