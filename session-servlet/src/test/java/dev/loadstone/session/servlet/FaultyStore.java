package dev.loadstone.session.servlet;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.SessionStoreUnavailableException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A real store with one operation made to fail on demand, as when Redis stops answering between two commands
 * of one request (load succeeded, the id change or save that follows does not).
 */
final class FaultyStore implements SessionStore {
  enum Op { SAVE, DELETE, CHANGE_ID }

  private final SessionStore store;
  volatile Op failing;

  FaultyStore(SessionStore store) {
    this.store = store;
  }

  private <T> CompletionStage<T> maybeFail(Op op, java.util.function.Supplier<CompletionStage<T>> call) {
    if (failing == op) {
      return CompletableFuture.failedFuture(new SessionStoreUnavailableException("injected: " + op + " failed"));
    }
    return call.get();
  }

  @Override
  public CompletionStage<Session> create() {
    return store.create();
  }

  @Override
  public CompletionStage<Optional<Session>> load(String handle) {
    return store.load(handle);
  }

  @Override
  public CompletionStage<String> save(Session session) {
    return maybeFail(Op.SAVE, () -> store.save(session));
  }

  @Override
  public CompletionStage<Void> delete(String id) {
    return maybeFail(Op.DELETE, () -> store.delete(id));
  }

  @Override
  public CompletionStage<Session> changeId(Session session) {
    return maybeFail(Op.CHANGE_ID, () -> store.changeId(session));
  }

  @Override
  public void close() {
    store.close();
  }
}
