package dev.loadstone.lb.scaling;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One answer of the advisor: how many backends serve ({@code current}), how many it recommends
 * ({@code desired}), the rule that decided (as written, or {@code min}, {@code max}, {@code cooldown},
 * {@code scale-in window}, a schedule, {@code steady}) and why in words, the inputs it read, and, when desired
 * is below current, which backends to take out (least in flight first, the newest among equals).
 */
public record Decision(Instant at, int current, int desired, String rule, String reason, Map<Metric, Double> inputs,
    List<String> scaleIn) {
  public Decision {
    inputs = Map.copyOf(inputs);
    scaleIn = List.copyOf(scaleIn);
  }

  @Override
  public String toString() {
    return current + " -> " + desired + " (" + rule + ": " + reason + ")";
  }
}
