package dev.loadstone.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The response timeout of one client connection: at most one scheduled task for all its exchanges.
 * Scheduling and cancelling a timer per request costs more than the request's own work on a fast backend, so an
 * attempt only records its deadline; this task, when it fires, fails the current attempt if it is past its
 * deadline or re-arms itself for the time left. Deadlines only grow (each is now + the same timeout), so an
 * armed task is never later than the current attempt's deadline.
 */
final class ResponseTimer implements Runnable {
  private final ChannelHandlerContext ctx;
  private final Supplier<UpstreamAttempt> current;
  private ScheduledFuture<?> task;

  ResponseTimer(ChannelHandlerContext ctx, Supplier<UpstreamAttempt> current) {
    this.ctx = ctx;
    this.current = current;
  }

  void arm(long deadlineNanos) {
    if (task == null) {
      task = ctx.executor().schedule(this, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void run() {
    task = null;
    UpstreamAttempt a = current.get();
    if (a == null) {
      return;
    }
    long left = a.checkDeadline(System.nanoTime());
    if (left > 0 && task == null) {
      task = ctx.executor().schedule(this, left, TimeUnit.NANOSECONDS);
    }
  }

  void stop() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }
}
