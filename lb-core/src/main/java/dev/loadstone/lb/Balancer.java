package dev.loadstone.lb;

/**
 * Picks a backend for one request from the immutable {@link PoolSnapshot} it was built for. Implementations
 * take no lock, never block, never throw on the hot path, and honour {@link PickRequest#isExcluded(String)}.
 * When no available backend remains they return {@link Pick#none()}.
 */
@FunctionalInterface
public interface Balancer {
  Pick pick(PickRequest request);

  /** Builds a balancer over a snapshot; a pool builds a new one each time its snapshot changes. */
  @FunctionalInterface
  interface Factory {
    Balancer create(PoolSnapshot snapshot);
  }
}
