package dev.loadstone.session;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where sessions live: the asynchronous SPI every store implements (Redis, token, in-memory). Stages fail
 * with {@link SessionStoreUnavailableException} when the backing service cannot be reached in time; they
 * never leave a session half-written. {@link BlockingSessionStore} is the thin blocking facade.
 */
public interface SessionStore extends AutoCloseable {

  /** A new session with a fresh id. It is stored by its first {@link #save}. */
  CompletionStage<Session> create();

  /**
   * Loads the session the client presented ({@code handle} is the cookie value: the session id for
   * server-side stores, the token for token stores). Completes empty for an absent, expired, malformed or
   * oversized handle, and for an id the session has moved away from ({@link #changeId}); a malformed one never
   * touches the backing service.
   */
  CompletionStage<Optional<Session>> load(String handle);

  /**
   * Writes what changed since load (set, removed, and mutated attributes; the throttled last-access touch;
   * nothing at all when nothing changed). Completes with the handle the client must present from now on
   * (the session id, or the new token for token stores), which the caller sends back only if it differs
   * from what the client sent. Never resurrects a session deleted in the meantime.
   *
   * <p>A request that loaded the session before another request changed its id is still saved, into the
   * moved session, but completes with the id it loaded: the new id goes only to the request that changed it.
   */
  CompletionStage<String> save(Session session);

  /** Deletes (invalidates) the session; completes normally when it was already gone. */
  CompletionStage<Void> delete(String id);

  /**
   * Gives the session a new id (session fixation defence) and returns it updated. From then on the old id
   * loads nothing; requests that loaded the session before still save into it (see {@link #save}).
   */
  CompletionStage<Session> changeId(Session session);

  /**
   * Registers a listener for sessions that end without a request ending them (expiry, and {@link
   * IndexedSessionStore#invalidateAll}); closing the returned handle unregisters it.
   *
   * @throws UnsupportedOperationException when this store cannot report such events
   */
  default AutoCloseable addListener(SessionEventListener listener) {
    throw new UnsupportedOperationException(getClass().getName() + " reports no session events");
  }

  /**
   * Looks for expired sessions now (stores also do it in the background) and reports each to the listeners;
   * completes with how many this call reported.
   */
  default CompletionStage<Integer> sweepExpired() {
    return CompletableFuture.completedFuture(0);
  }

  @Override
  default void close() {}
}
