package dev.loadstone.session.token;

import dev.loadstone.session.SessionStoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** {@link RevocationList} in Redis: {@code SET <prefix><id> 1 PX <ttl>} and {@code EXISTS}. */
final class RedisRevocationList implements RevocationList {
  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;
  private final RedisClient ownedClient;

  RedisRevocationList(StatefulRedisConnection<String, String> connection, String prefix, RedisClient ownedClient) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.prefix = Objects.requireNonNull(prefix, "keyPrefix");
    this.ownedClient = ownedClient;
  }

  static RedisRevocationList connect(String redisUri, Duration timeout) {
    RedisURI uri = RedisURI.create(redisUri);
    uri.setTimeout(timeout);
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .build());
    try {
      return new RedisRevocationList(client.connect(), DEFAULT_PREFIX, client);
    } catch (RuntimeException e) {
      client.shutdown();
      throw new SessionStoreUnavailableException("revocation list: cannot connect to " + uri.getHost() + ":"
          + uri.getPort(), e);
    }
  }

  @Override
  public CompletionStage<Void> revoke(String sessionId, Duration ttl) {
    long millis = Math.max(1, ttl.toMillis());
    return guard(connection.async().set(prefix + sessionId, "1", SetArgs.Builder.px(millis)))
        .thenApply(ok -> null);
  }

  @Override
  public CompletionStage<Boolean> isRevoked(String sessionId) {
    return guard(connection.async().exists(prefix + sessionId)).thenApply(n -> n != null && n > 0);
  }

  private static <T> CompletionStage<T> guard(CompletionStage<T> stage) {
    try {
      return stage.handle((value, error) -> {
        if (error == null) {
          return value;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        throw new SessionStoreUnavailableException("revocation list: " + cause.getMessage(), cause);
      });
    } catch (RuntimeException e) {
      throw new SessionStoreUnavailableException("revocation list: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (ownedClient != null) {
      connection.close();
      ownedClient.shutdown();
    }
  }
}
