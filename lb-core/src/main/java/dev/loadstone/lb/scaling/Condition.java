package dev.loadstone.lb.scaling;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code METRIC > VALUE} or {@code METRIC < VALUE}, e.g. {@code cpu > 70%}, {@code p95 > 500ms}, {@code rps-per-backend > 200}. */
record Condition(Metric metric, boolean above, double threshold) {
  private static final Pattern FORM = Pattern.compile("\\s*([a-z0-9-]+)\\s*([<>])\\s*(\\S+)\\s*");

  Condition {
    Objects.requireNonNull(metric, "metric");
  }

  static Condition parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.toLowerCase(java.util.Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("condition: '" + text + "' (expected: METRIC > VALUE or METRIC < VALUE, e.g. cpu > 70%)");
    }
    Metric metric = Metric.parse(m.group(1));
    return new Condition(metric, m.group(2).equals(">"), metric.parseValue(m.group(3)));
  }

  /** Whether the load meets the condition; false when the metric is unknown. */
  boolean holds(double value) {
    return !Double.isNaN(value) && (above ? value > threshold : value < threshold);
  }

  @Override
  public String toString() {
    return metric.key() + (above ? " > " : " < ") + metric.format(threshold);
  }
}
