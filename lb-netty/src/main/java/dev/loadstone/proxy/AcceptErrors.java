package dev.loadstone.proxy;

import dev.loadstone.lb.Ticker;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of the listening channel: a failed accept (most often EMFILE/ENFILE, "Too many open
 * files", at the descriptor limit) reaches it after Netty's acceptor paused accepting for a second. Each
 * failure is counted; one WARN line without stack trace is logged per interval (10 s), saying how many
 * followed since the last line, instead of Netty's stack trace per attempt. Open connections are untouched
 * and keep being served; the pending ones wait in the kernel's backlog until descriptors are free.
 */
@ChannelHandler.Sharable
final class AcceptErrors extends ChannelInboundHandlerAdapter {
  static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(AcceptErrors.class);

  private final Ticker ticker;
  private final long intervalNanos;
  private final LongAdder total = new LongAdder();
  private long lastLine; // guarded by this
  private boolean logged; // guarded by this
  private long suppressed; // guarded by this

  AcceptErrors(Ticker ticker, Duration interval) {
    this.ticker = ticker;
    this.intervalNanos = interval.toNanos();
  }

  /** Accept failures since start. */
  long count() {
    return total.sum();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failed(cause);
  }

  void failed(Throwable cause) {
    total.increment();
    long since;
    synchronized (this) {
      long now = ticker.read();
      if (logged && now - lastLine < intervalNanos) {
        suppressed++;
        return;
      }
      since = suppressed;
      suppressed = 0;
      lastLine = now;
      logged = true;
    }
    String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (since == 0) {
      log.warn("cannot accept a connection: {}; open connections are still served. At most one such line per {}"
          + " (raise the descriptor limit: ulimit -n, systemd LimitNOFILE)", what, Durations.format(Duration.ofNanos(intervalNanos)));
    } else {
      log.warn("cannot accept a connection: {} ({} more failed since the last line); open connections are still served",
          what, since);
    }
  }
}
