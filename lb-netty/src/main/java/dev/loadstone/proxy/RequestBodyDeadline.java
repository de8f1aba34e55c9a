package dev.loadstone.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The request body's deadline, after Apache's mod_reqtimeout ({@code body=20,MinRate=500}): a body must arrive
 * within {@code request-body-timeout} of the moment the proxy starts reading it, and every {@code min-rate} bytes
 * received extend that by one second. A body trickled at 1 byte/s thus ends after about the timeout, while a
 * large upload at a normal rate is never cut; a timer on the gap between bytes alone would let the trickle run
 * for ever. With a min rate of 0 the timeout is a fixed total time. One lazy timer per body: it fires at the
 * first deadline and re-arms itself for whatever the received bytes added.
 */
final class RequestBodyDeadline {
  /** No deadline yet: every method does nothing. */
  static final RequestBodyDeadline NONE = new RequestBodyDeadline(null, 0, 0, null);

  private final EventExecutor executor;
  private final long timeoutNanos;
  private final long nanosPerByte;
  private final Runnable expired;
  private long deadlineNanos;
  private ScheduledFuture<?> timer;
  private boolean stopped;

  RequestBodyDeadline(EventExecutor executor, long timeoutNanos, long minRateBytesPerSecond, Runnable expired) {
    this.executor = executor;
    this.timeoutNanos = timeoutNanos;
    this.nanosPerByte = minRateBytesPerSecond <= 0 ? 0 : Math.max(1, TimeUnit.SECONDS.toNanos(1) / minRateBytesPerSecond);
    this.expired = expired;
  }

  /** A running deadline for a body the proxy starts reading now (NONE when the timeout is 0). */
  static RequestBodyDeadline start(ProxyConfig config, EventExecutor executor, Runnable expired) {
    long timeout = config.requestBodyTimeout().toNanos();
    if (timeout <= 0) {
      return NONE;
    }
    RequestBodyDeadline d = new RequestBodyDeadline(executor, timeout, config.requestBodyMinRate(), expired);
    d.start();
    return d;
  }

  /** What the 408 says. */
  static String reason(ProxyConfig config) {
    return "the request body arrived slower than request-body-timeout " + Durations.format(config.requestBodyTimeout())
        + " plus 1s per " + config.requestBodyMinRate() + " bytes";
  }

  private void start() {
    if (this == NONE) {
      return;
    }
    if (timer != null || stopped) {
      return;
    }
    deadlineNanos = System.nanoTime() + timeoutNanos;
    timer = executor.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** {@code bytes} of body arrived: with a min rate, the deadline moves out by their share. */
  void received(long bytes) {
    if (nanosPerByte != 0 && bytes > 0 && !stopped) {
      long extra = bytes > Long.MAX_VALUE / nanosPerByte ? Long.MAX_VALUE / 4 : bytes * nanosPerByte;
      deadlineNanos = deadlineNanos + Math.min(extra, Long.MAX_VALUE / 4);
    }
  }

  /** The whole body arrived, or the exchange ended. */
  void stop() {
    if (this == NONE) {
      return;
    }
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void check() {
    if (stopped) {
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      timer = executor.schedule(this::check, left, TimeUnit.NANOSECONDS);
      return;
    }
    stopped = true;
    timer = null;
    expired.run();
  }
}
