package dev.loadstone.proxy;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exchanges waiting for a backend below {@code backend-max-connections} (HAProxy's queue with {@code maxqueue}
 * and {@code timeout queue}): at most {@code max-queue} of them, oldest first. Every release of a lease wakes
 * the oldest waiter on its own event loop, where it tries to acquire again (and goes back to the front if it
 * lost the race); a waiter that waited {@code queue-timeout} gets 503. Shared by all event loops.
 */
final class BackendQueue {
  /** One waiting exchange; {@link #take()} decides exactly once whether it is woken, timed out or cancelled. */
  static final class Waiter {
    final Exchange exchange;
    private final java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();

    Waiter(Exchange exchange) {
      this.exchange = exchange;
    }

    boolean take() {
      return taken.compareAndSet(false, true);
    }
  }

  private final int max;
  private final int limit;
  private final ConcurrentLinkedDeque<Waiter> waiters = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();

  BackendQueue(int max, int limit) {
    this.max = max;
    this.limit = limit;
  }

  /** Queues {@code e} at the back (or the front, when it was woken and lost its backend again); null when full. */
  Waiter offer(Exchange e, boolean front) {
    if (size.incrementAndGet() > max) {
      size.decrementAndGet();
      return null;
    }
    Waiter w = new Waiter(e);
    if (front) {
      waiters.addFirst(w);
    } else {
      waiters.addLast(w);
    }
    return w;
  }

  /** Takes {@code w} out because it timed out or its client left; false when it was already woken. */
  boolean cancel(Waiter w) {
    if (!w.take()) {
      return false;
    }
    waiters.remove(w);
    size.decrementAndGet();
    return true;
  }

  /**
   * A lease on {@code released} was given back: when that left it below the limit, the oldest waiter tries
   * again, on its event loop. (A lease given back because it was over the limit frees nothing and wakes nobody.)
   */
  void wake(dev.loadstone.lb.BackendState released) {
    if (released.inFlight() >= limit || waiters.isEmpty()) {
      return;
    }
    for (Waiter w = waiters.pollFirst(); w != null; w = waiters.pollFirst()) {
      if (w.take()) {
        size.decrementAndGet();
        try {
          w.exchange.conn.ctx().executor().execute(w.exchange::dequeued);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
          // the proxy is closing: its connections go with it
        }
        return;
      }
    }
  }

  int size() {
    return size.get();
  }
}
