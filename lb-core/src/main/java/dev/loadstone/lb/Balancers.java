package dev.loadstone.lb;

/** Static factories for every balancing algorithm; the implementations are package-private. */
public final class Balancers {
  private Balancers() {}

  /** Each available backend in turn, ignoring weights. */
  public static Balancer.Factory roundRobin() {
    return RoundRobin::new;
  }
}
