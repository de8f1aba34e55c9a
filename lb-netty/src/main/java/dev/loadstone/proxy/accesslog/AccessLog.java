package dev.loadstone.proxy.accesslog;

import dev.loadstone.lb.Ticker;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: event loops {@link #offer} one immutable {@link AccessRecord} per exchange into a bounded
 * lock-free queue (JCTools' MPSC array queue, through Netty) and return at once; one writer thread formats
 * whole batches and writes each with one call. When the queue is full the line is dropped and counted
 * ({@link #dropped()}), so a slow disk or a blocked stdout never stalls an event loop. The writer wakes by
 * itself every {@link #WAKE_MILLIS} ms when the queue ran empty; an offer unparks it only when the queue is a
 * quarter full, so under load no event loop pays a wake-up (a futex call and a context switch) per request.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
  public static final int DEFAULT_CAPACITY = 16384;
  private static final int BATCH = 512;
  /** How long lines may wait in the queue when the writer found it empty (nginx's access_log flush= is seconds). */
  static final long WAKE_MILLIS = 50;
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Queue<AccessRecord> queue;
  private final AccessLogFormat format;
  private final AccessLogSink sink;
  private final Ticker ticker;
  private final Clock clock;
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private final int wakeAt; // queue size at which an offer unparks the writer
  private volatile boolean parked;
  private volatile boolean reopen;
  private volatile boolean stopping;
  private long lastWarn = Long.MIN_VALUE;

  private AccessLog(Builder b) {
    this.queue = PlatformDependent.newFixedMpscQueue(b.capacity);
    this.wakeAt = Math.max(1, b.capacity / 4);
    this.format = b.format;
    this.sink = b.sink;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.writer = new Thread(this::run, "lb-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  public static Builder builder(AccessLogSink sink) {
    return new Builder(sink);
  }

  /**
   * The log the settings name: {@code destination} {@code stdout}, {@code off} (null is returned) or a file;
   * {@code format} as {@link AccessLogFormat#parse}. A file that cannot be opened is an {@link
   * UncheckedIOException} naming it.
   */
  public static AccessLog open(String destination, String format) {
    if (destination.equals("off")) {
      return null;
    }
    AccessLogFormat f = AccessLogFormat.parse(format);
    if (destination.equals("stdout")) {
      return builder(AccessLogSink.stdout()).format(f).build();
    }
    try {
      return builder(AccessLogSink.file(java.nio.file.Path.of(destination))).format(f).build();
    } catch (IOException e) {
      String why = e instanceof java.nio.file.NoSuchFileException ? "no such directory"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
      throw new UncheckedIOException("access-log: cannot open " + destination + " (" + why + ")", e);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("access-log: '" + destination + "' (expected: stdout, off or a file name)");
    }
  }

  /** The monotonic time exchanges measure their durations with. */
  public long nanoTime() {
    return ticker.read();
  }

  /** The wall-clock time exchanges stamp their start with, epoch milliseconds. */
  public long wallMillis() {
    return clock.millis();
  }

  /** Queues a line; never blocks. False (and counted) when the queue is full or the log is closed. */
  public boolean offer(AccessRecord r) {
    if (stopping || !queue.offer(r)) {
      dropped.increment();
      return false;
    }
    if (parked && queue.size() >= wakeAt) {
      LockSupport.unpark(writer);
    }
    return true;
  }

  /** Lines lost: offered to a full queue, or in a batch whose write failed. */
  public long dropped() {
    return dropped.sum();
  }

  /** Asks the writer to reopen the destination before its next write (SIGUSR1, after logrotate renamed the file). */
  public void reopen() {
    reopen = true;
    LockSupport.unpark(writer);
  }

  /** Writes what is queued, stops the writer and closes the destination. */
  @Override
  public void close() {
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    StringBuilder batch = new StringBuilder(BATCH * 160);
    while (true) {
      if (reopen) {
        reopen = false;
        try {
          sink.reopen();
        } catch (IOException | RuntimeException e) {
          warn("cannot reopen access log " + sink + ": " + e.getMessage());
        }
      }
      AccessRecord r = queue.poll();
      if (r == null) {
        if (stopping) {
          break;
        }
        parked = true;
        if (queue.isEmpty() && !reopen && !stopping) {
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(WAKE_MILLIS));
        }
        parked = false;
        continue;
      }
      batch.setLength(0);
      int n = 0;
      do {
        try {
          format.append(r, batch);
        } catch (RuntimeException e) {
          batch.append("access log format failed: ").append(e);
        }
        batch.append('\n');
        n++;
      } while (n < BATCH && (r = queue.poll()) != null);
      try {
        sink.write(batch);
      } catch (IOException | RuntimeException e) {
        dropped.add(n);
        warn("access log " + sink + ": cannot write " + n + " lines: " + e.getMessage());
      }
    }
    try {
      sink.close();
    } catch (Exception e) {
      log.debug("closing access log {}", sink, e);
    }
  }

  /** A WARN line at most every 10 s, without stack trace (a full disk would otherwise log once per batch). */
  private void warn(String line) {
    long now = ticker.read();
    if (lastWarn == Long.MIN_VALUE || now - lastWarn >= WARN_INTERVAL_NANOS) {
      lastWarn = now;
      log.warn(line);
    }
  }

  /** Options of an access log; the sink is required, the rest have defaults. */
  public static final class Builder {
    private final AccessLogSink sink;
    private AccessLogFormat format = AccessLogFormat.parse("text");
    private int capacity = DEFAULT_CAPACITY;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();

    private Builder(AccessLogSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    public Builder format(AccessLogFormat f) {
      format = Objects.requireNonNull(f, "format");
      return this;
    }

    /** Lines that may wait for the writer (rounded up to a power of two); more are dropped and counted. */
    public Builder capacity(int lines) {
      if (lines < 2 || lines > (1 << 24)) {
        throw new IllegalArgumentException("access log capacity: " + lines + " (expected: 2..16777216)");
      }
      capacity = lines;
      return this;
    }

    /** Time sources (tests make durations and dates exact). */
    public Builder time(Ticker t, Clock c) {
      ticker = Objects.requireNonNull(t, "ticker");
      clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    public AccessLog build() {
      return new AccessLog(this);
    }
  }
}
