package dev.loadstone.proxy;

import dev.loadstone.lb.Lease;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One exchange's wait in the {@link BackendQueue}: its deadline ({@code queue-timeout}, counted from the first
 * time it queued, so going back to the front never extends it), its timer, and the re-check that closes the
 * gap between "every backend is full" and "queued" (a release in between would otherwise wake nobody). All on
 * the exchange's event loop except {@link BackendQueue#wake}.
 */
final class QueuedWait {
  private final Exchange exchange;
  private final BackendQueue queue;
  private final ProxyConfig config;
  private final long deadlineNanos;
  private BackendQueue.Waiter waiter;
  private ScheduledFuture<?> timer;

  private QueuedWait(Exchange exchange, BackendQueue queue, ProxyConfig config) {
    this.exchange = exchange;
    this.queue = queue;
    this.config = config;
    this.deadlineNanos = System.nanoTime() + config.queueTimeout().toNanos();
  }

  static QueuedWait start(Exchange exchange, BackendQueue queue, ProxyConfig config) {
    return new QueuedWait(exchange, queue, config);
  }

  /**
   * Queues the exchange (at the front when it was woken and lost the race). Returns a lease when one became free
   * meanwhile (the caller proceeds with it), else null: the exchange is queued, or was answered 503 (queue full,
   * or the deadline passed).
   */
  Lease park(BackendSelection selection, boolean front) {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      exchange.queueFailed(timeoutReason());
      return null;
    }
    waiter = queue.offer(exchange, front);
    if (waiter == null) {
      exchange.queueFailed("the backend queue is full (max-queue " + config.maxQueue() + ")");
      return null;
    }
    Lease lease = selection.acquire();
    if (!lease.isEmpty()) {
      if (queue.cancel(waiter)) {
        waiter = null;
        return lease; // a backend freed up between the full acquire and the offer
      }
      lease.release(); // already woken: dequeued() runs next and acquires again
      return null;
    }
    if (timer == null) {
      timer = exchange.conn.ctx().executor().schedule(this::expired, left, TimeUnit.NANOSECONDS);
    }
    return null;
  }

  private void expired() {
    timer = null;
    if (waiter != null && queue.cancel(waiter)) {
      waiter = null;
      exchange.queueFailed(timeoutReason());
    } else if (exchange.isQueued()) {
      // woken at this instant: dequeued() decides; if it queues again, the deadline has passed
      timer = exchange.conn.ctx().executor().schedule(this::expired, 1, TimeUnit.MILLISECONDS);
    }
  }

  /** The exchange left the queue for good (it got a backend, failed, or its client left). */
  void stop() {
    if (waiter != null) {
      queue.cancel(waiter);
      waiter = null;
    }
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  void woken() {
    waiter = null;
  }

  private String timeoutReason() {
    return "no backend below backend-max-connections " + config.backendMaxConnections() + " within queue-timeout "
        + Durations.format(config.queueTimeout());
  }
}
