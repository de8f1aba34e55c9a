package dev.loadstone.lb.scaling;

/**
 * Target tracking as Kubernetes' Horizontal Pod Autoscaler computes it (kubernetes.io, "Horizontal Pod
 * Autoscaling", algorithm details): desired = ceil(current x value / target), unchanged while the ratio is
 * within 10% of 1. Only for metrics that fall as backends are added (per-backend CPU, rate, in-flight).
 */
final class TargetTracking implements Rule {
  static final double TOLERANCE = 0.1;
  private final Metric metric;
  private final double target;

  TargetTracking(Metric metric, double target) {
    if (metric != Metric.CPU && metric != Metric.RPS_PER_BACKEND && metric != Metric.IN_FLIGHT_PER_BACKEND) {
      throw new IllegalArgumentException("target metric: '" + metric.key()
          + "' (expected: cpu, rps-per-backend or in-flight-per-backend, a metric that falls as backends are added)");
    }
    if (!(target > 0)) {
      throw new IllegalArgumentException("target " + metric.key() + ": " + metric.format(target) + " (expected: > 0)");
    }
    this.metric = metric;
    this.target = target;
  }

  @Override
  public String name() {
    return "target " + metric.key() + " " + metric.format(target);
  }

  @Override
  public Proposal propose(Load load) {
    double v = load.value(metric);
    if (Double.isNaN(v) || load.current() == 0) {
      return null;
    }
    double ratio = v / target;
    if (Math.abs(ratio - 1) <= TOLERANCE) {
      return new Proposal(load.current(), metric.key() + " " + metric.format(v) + " is within 10% of the target "
          + metric.format(target) + ": keep " + load.current());
    }
    int desired = (int) Math.ceil(load.current() * ratio - 1e-9);
    return new Proposal(desired, metric.key() + " " + metric.format(v) + " against target " + metric.format(target)
        + ": ceil(" + load.current() + " x " + round(ratio) + ") = " + desired);
  }

  private static String round(double r) {
    return Double.toString(Math.round(r * 100) / 100.0);
  }

  @Override
  public String toString() {
    return name();
  }
}
