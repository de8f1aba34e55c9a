package dev.loadstone.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin: each available backend in turn, weights ignored. One atomic counter per snapshot; a
 * retry's exclusions are honoured by stepping on to the next backend.
 */
final class RoundRobin implements Balancer {
  private final List<BackendState> available;
  private final AtomicInteger next = new AtomicInteger();

  RoundRobin(PoolSnapshot snapshot) {
    this.available = snapshot.available();
  }

  @Override
  public Pick pick(PickRequest request) {
    int n = available.size();
    if (n == 0) {
      return Pick.none();
    }
    int start = Math.floorMod(next.getAndIncrement(), n);
    if (!request.hasExclusions()) {
      return available.get(start).asPick();
    }
    for (int i = 0; i < n; i++) {
      BackendState s = available.get((start + i) % n);
      if (!request.isExcluded(s.id())) {
        return s.asPick();
      }
    }
    return Pick.none("no backend is available that was not already tried");
  }
}
