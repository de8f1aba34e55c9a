package dev.loadstone.lb;

/** Notified after every published change of a pool (health, admin state, membership, weight). */
@FunctionalInterface
public interface PoolListener {
  void onChange(PoolSnapshot previous, PoolSnapshot current);
}
