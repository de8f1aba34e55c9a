package dev.loadstone.session.spi;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionEventListener;
import dev.loadstone.session.SessionIds;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For store implementations: the registered {@link SessionEventListener}s, and the background sweep that
 * finds expired sessions, run on one daemon thread per store every {@code sweepInterval} from the first
 * registration until {@link #close}. A listener that throws is logged and does not stop the others.
 */
public final class SessionEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionEvents.class);

  private final String store;
  private final Duration sweepInterval;
  private final Runnable sweep;
  private final List<SessionEventListener> listeners = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService sweeper;
  private boolean closed;
  private volatile boolean failing;

  /** {@code sweep} runs in the background once a listener is registered (null: no background sweep). */
  public SessionEvents(String store, Duration sweepInterval, Runnable sweep) {
    this.store = Objects.requireNonNull(store, "store");
    this.sweepInterval = sweepInterval;
    this.sweep = sweep;
  }

  /** Registers {@code listener}; closing the handle unregisters it. */
  public AutoCloseable add(SessionEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    startSweeper();
    return () -> listeners.remove(listener);
  }

  public boolean hasListeners() {
    return !listeners.isEmpty();
  }

  private synchronized void startSweeper() {
    if (sweeper != null || sweep == null || closed) {
      return;
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, store + "-expiry-sweeper");
      t.setDaemon(true);
      return t;
    });
    long millis = Math.max(1, sweepInterval.toMillis());
    sweeper.scheduleWithFixedDelay(this::runSweep, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void runSweep() {
    try {
      sweep.run();
      if (failing) {
        failing = false;
        log.info("{}: expiry sweep works again", store);
      }
    } catch (RuntimeException e) {
      if (!failing) { // once per outage, not every interval
        failing = true;
        log.warn("{}: expiry sweep failed, retrying every {}: {}", store, sweepInterval, e.toString());
      }
    }
  }

  public void expired(Session session) {
    fire(session, "sessionExpired", l -> l.sessionExpired(session));
  }

  public void deleted(Session session) {
    fire(session, "sessionDeleted", l -> l.sessionDeleted(session));
  }

  private void fire(Session session, String what, Consumer<SessionEventListener> call) {
    for (SessionEventListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("{}: listener {} failed in {} for session {}...: {}", store, l.getClass().getName(), what,
            SessionIds.prefix(session.id()), e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    listeners.clear();
    if (sweeper != null) {
      sweeper.shutdownNow();
      sweeper = null;
    }
  }
}
