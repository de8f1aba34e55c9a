package dev.loadstone.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.testing.RedisCluster;
import dev.loadstone.session.testing.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After a Sentinel or Cluster failover, writes succeed again without restarting the store. */
class RedisFailoverIT {
  private final SessionFactory factory = SessionFactory.defaults();

  private static Session savedWith(BlockingSessionStore store, String name, Object value) {
    Session s = store.create();
    s.setAttribute(name, value);
    store.save(s);
    return s;
  }

  @Test
  void afterASentinelFailoverTheStoreWritesToTheNewMasterAndKeepsReplicatedSessions() {
    try (RedisServerProcess master = RedisServerProcess.start();
        RedisServerProcess replica = RedisServerProcess.start(List.of("--replicaof", "127.0.0.1", "0"))) {
      replica.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
      await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(replica.call("INFO", "replication")).contains("master_link_status:up"));
      try (RedisServerProcess sentinel = RedisServerProcess.startSentinel("mymaster", master.port())) {
        await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(sentinel.call("INFO", "sentinel")).contains("slaves=1"));
        try (BlockingSessionStore store = BlockingSessionStore.of(RedisSessionStore.builder()
            .uri("redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#mymaster").sessions(factory)
            .maxReconnectDelay(Duration.ofMillis(100)).build())) {
          Session before = savedWith(store, "user", "alice");
          assertThat(master.call("WAIT", "1", "2000")).isEqualTo(1L);

          sentinel.call("SENTINEL", "FAILOVER", "mymaster");
          await().atMost(Duration.ofSeconds(30)).until(() ->
              List.of("127.0.0.1", Integer.toString(replica.port())).equals(sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"))
                  && String.valueOf(replica.call("ROLE")).contains("master")
                  && String.valueOf(master.call("ROLE")).contains("slave")); // old master demoted: no split brain

          await().atMost(Duration.ofSeconds(30)).ignoreException(SessionStoreUnavailableException.class).until(() -> {
            Session s = store.load(before.id()).orElseThrow();
            s.setAttribute("after", "failover");
            store.save(s);
            return true;
          });
          assertThat(replica.call("HGET", TestKeys.session(before.id()), "a:after")).isEqualTo("{\"v\":\"failover\"}");
          assertThat(store.load(before.id()).orElseThrow().getAttribute("user")).isEqualTo("alice");
        }
      }
    }
  }

  @Test
  void afterAClusterFailoverWritesToTheMovedSlotsSucceedAgain() {
    try (RedisCluster cluster = RedisCluster.start()) {
      RedisServerProcess master = cluster.nodes().get(0);
      RedisServerProcess replica = cluster.addReplicaOf(master);
      try (BlockingSessionStore store = BlockingSessionStore.of(RedisSessionStore.builder().clusterSeeds(cluster.seeds())
          .sessions(factory).maxReconnectDelay(Duration.ofMillis(100)).topologyRefreshPeriod(Duration.ofSeconds(1)).build())) {
        Session s;
        do {
          s = savedWith(store, "user", "alice");
        } while (cluster.nodeFor(TestKeys.session(s.id())) != master);
        String id = s.id();
        assertThat(master.call("WAIT", "1", "2000")).isEqualTo(1L);

        replica.call("CLUSTER", "FAILOVER");
        await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(replica.call("ROLE")).contains("master")
            && cluster.nodeFor(TestKeys.session(id)) == replica);

        await().atMost(Duration.ofSeconds(30)).ignoreException(SessionStoreUnavailableException.class).until(() -> {
          Session r = store.load(id).orElseThrow();
          r.setAttribute("after", "failover");
          store.save(r);
          return true;
        });
        assertThat(replica.call("HGET", TestKeys.session(id), "a:after")).isEqualTo("{\"v\":\"failover\"}");
        Session fresh = savedWith(store, "n", 1);
        assertThat(store.load(fresh.id())).isPresent();
      }
    }
  }
}
