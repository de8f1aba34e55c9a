package dev.loadstone.lb;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link BackendPool}'s listeners and the changes queued for them: each published change is queued under the
 * pool's lock and delivered outside it, exactly once and in version order, by the writer whose change it was
 * unless another thread is delivering at that moment (then that one delivers it too).
 */
final class PoolChanges {
  private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<PoolSnapshot[]> queued = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();

  void add(PoolListener l) {
    listeners.add(l);
  }

  void remove(PoolListener l) {
    listeners.remove(l);
  }

  /** Queues one change; the caller holds the pool's monitor, so changes queue in version order. */
  void queue(PoolSnapshot previous, PoolSnapshot next) {
    queued.add(new PoolSnapshot[] {previous, next});
  }

  /** Delivers queued changes in order, unless another thread is delivering (it will deliver ours too). */
  void deliver() {
    while (!queued.isEmpty() && delivering.compareAndSet(false, true)) {
      try {
        PoolSnapshot[] change;
        while ((change = queued.poll()) != null) {
          for (PoolListener l : listeners) {
            try {
              l.onChange(change[0], change[1]);
            } catch (RuntimeException ignored) {
              // A listener's failure must not undo or block a published change.
            }
          }
        }
      } finally {
        delivering.set(false);
      }
    }
  }
}
