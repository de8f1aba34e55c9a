package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class BlockingSessionStoreTest {
  /** A store whose operations never complete (a connect that hangs). */
  static final class Hanging implements SessionStore {
    @Override
    public CompletionStage<Session> create() {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Optional<Session>> load(String handle) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<String> save(Session session) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Void> delete(String id) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Session> changeId(Session session) {
      return new CompletableFuture<>();
    }
  }

  @Test
  void aStageThatNeverCompletesFailsTheBlockingCallAsUnavailable() {
    BlockingSessionStore store = BlockingSessionStore.of(new Hanging());
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
        assertThatThrownBy(() -> store.load("x".repeat(22))).isInstanceOf(SessionStoreUnavailableException.class));
  }
}
