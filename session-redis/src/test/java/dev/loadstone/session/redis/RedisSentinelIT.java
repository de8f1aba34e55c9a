package dev.loadstone.session.redis;

import static org.awaitility.Awaitility.await;

import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.testing.RedisServerProcess;
import dev.loadstone.session.testing.SessionStoreContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract through Redis Sentinel: a real master, a replica and a {@code redis-server --sentinel}, shared
 * by the class (the failover itself is {@link RedisFailoverIT}'s).
 */
class RedisSentinelIT extends SessionStoreContract {
  static RedisServerProcess master;
  static RedisServerProcess replica;
  static RedisServerProcess sentinel;

  @BeforeAll
  static void startSentinel() {
    master = RedisServerProcess.start();
    replica = RedisServerProcess.start(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
    await().atMost(Duration.ofSeconds(20))
        .until(() -> String.valueOf(replica.call("INFO", "replication")).contains("master_link_status:up"));
    sentinel = RedisServerProcess.startSentinel("contract", master.port());
    await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(sentinel.call("INFO", "sentinel")).contains("slaves=1"));
  }

  @AfterAll
  static void stopSentinel() {
    sentinel.close();
    replica.close();
    master.close();
  }

  @Override
  protected SessionStore newStore(SessionFactory factory) {
    return RedisSessionStore.builder().uri("redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#contract")
        .sessions(factory).build();
  }

  @Override
  protected void writeRawAttribute(String id, String name, byte[] bytes) {
    master.call("HSET", TestKeys.session(id), "a:" + name, new String(bytes, StandardCharsets.UTF_8));
  }

  @Override
  protected byte[] readRawAttribute(String id, String name) {
    Object v = master.call("HGET", TestKeys.session(id), "a:" + name);
    return v == null ? null : ((String) v).getBytes(StandardCharsets.UTF_8);
  }
}
