package dev.loadstone.lb.scaling;

/**
 * A reactive step rule ("average CPU > 70%: add 2; < 30%: remove 1"), the form of AWS step scaling and of most
 * users' first autoscaler: while the condition holds, propose the current count plus the step.
 */
final class ThresholdRule implements Rule {
  private final Condition condition;
  private final int change;

  ThresholdRule(Condition condition, int change) {
    if (change == 0 || Math.abs(change) > 1000) {
      throw new IllegalArgumentException("rule '" + condition + "' change: " + change + " (expected: add or remove 1..1000)");
    }
    this.condition = condition;
    this.change = change;
  }

  @Override
  public String name() {
    return condition + ": " + (change > 0 ? "add " + change : "remove " + -change);
  }

  @Override
  public Proposal propose(Load load) {
    double v = load.value(condition.metric());
    if (!condition.holds(v)) {
      return null;
    }
    int desired = Math.max(0, load.current() + change);
    return new Proposal(desired, condition.metric().key() + " " + condition.metric().format(v) + (condition.above() ? " > " : " < ")
        + condition.metric().format(condition.threshold()) + ": " + load.current() + (change > 0 ? " + " + change : " - " + -change)
        + " = " + desired);
  }

  @Override
  public String toString() {
    return name();
  }
}
