package dev.loadstone.session;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The blocking facade over an asynchronous {@link SessionStore}, for the servlet layer: each call waits for the
 * stage and rethrows its failure unwrapped (a {@link SessionStoreUnavailableException} stays one). The store's
 * own timeouts bound the wait.
 */
public final class BlockingSessionStore implements AutoCloseable {
  private final SessionStore store;

  private BlockingSessionStore(SessionStore store) {
    this.store = store;
  }

  public static BlockingSessionStore of(SessionStore store) {
    return new BlockingSessionStore(Objects.requireNonNull(store, "store"));
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

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get();
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
