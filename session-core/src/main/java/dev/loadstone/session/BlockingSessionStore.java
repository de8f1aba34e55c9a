package dev.loadstone.session;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The blocking facade over an asynchronous {@link SessionStore}, for the servlet layer: each call waits for the
 * stage and rethrows its failure unwrapped (a {@link SessionStoreUnavailableException} stays one). Every wait is
 * bounded: a stage still running after the timeout (default {@value #DEFAULT_TIMEOUT_SECONDS} s, longer than any
 * store's own command and connect timeouts) fails the call with {@link SessionStoreUnavailableException}.
 */
public final class BlockingSessionStore implements AutoCloseable {
  static final int DEFAULT_TIMEOUT_SECONDS = 5;

  private final SessionStore store;
  private final long timeoutNanos;
  private final Duration timeout;

  private BlockingSessionStore(SessionStore store, Duration timeout) {
    this.store = store;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
  }

  /** With the default timeout of {@value #DEFAULT_TIMEOUT_SECONDS} seconds. */
  public static BlockingSessionStore of(SessionStore store) {
    return of(store, Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));
  }

  /** Waits at most {@code timeout} for each operation. */
  public static BlockingSessionStore of(SessionStore store, Duration timeout) {
    SessionFactory.checkPositive("timeout", timeout);
    return new BlockingSessionStore(Objects.requireNonNull(store, "store"), timeout);
  }

  public SessionStore async() {
    return store;
  }

  public Session create() {
    return await(store.create());
  }

  public Optional<Session> load(String handle) {
    return await(store.load(handle));
  }

  public String save(Session session) {
    return await(store.save(session));
  }

  public void delete(String id) {
    await(store.delete(id));
  }

  public Session changeId(Session session) {
    return await(store.changeId(session));
  }

  @Override
  public void close() {
    store.close();
  }

  /** Waits for {@code stage} as every call here does (bounded, failures unwrapped). */
  public <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new SessionStoreUnavailableException("session store did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionStoreUnavailableException("interrupted while waiting for the session store", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new SessionStoreUnavailableException("session store failed: " + cause, cause);
    } catch (CancellationException e) {
      throw new SessionStoreUnavailableException("session store operation was cancelled", e);
    }
  }
}
