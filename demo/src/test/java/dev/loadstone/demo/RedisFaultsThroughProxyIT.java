package dev.loadstone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.demo.SessionNodes.Client;
import dev.loadstone.session.redis.RedisSessionStore;
import dev.loadstone.session.redis.RedisSessionStoreBuilder;
import dev.loadstone.session.testing.RedisCluster;
import dev.loadstone.session.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Session traffic through the proxy and two Jetty applications while their Redis fails: a standalone server killed
 * and restarted (AOF with {@code appendfsync always}), a Cluster master killed and its replica promoted, and a
 * Sentinel-managed master killed. Each time: requests whose session is unreachable get 503 with Retry-After within
 * the store's timeouts, no acknowledged counter value is lost, and the same applications serve again afterwards.
 */
class RedisFaultsThroughProxyIT {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  /** A load and a save may each take the command timeout; one second more for the proxy, Jetty and the client. */
  private static final Duration ANSWER_BOUND = COMMAND_TIMEOUT.multipliedBy(2).plusSeconds(1);
  private static final Duration FAILOVER = Duration.ofSeconds(40);

  private static RedisSessionStore store(UnaryOperator<RedisSessionStoreBuilder> where) {
    return where.apply(RedisSessionStore.builder().commandTimeout(COMMAND_TIMEOUT)
        .maxReconnectDelay(Duration.ofMillis(100))).build();
  }

  private static List<Client> clients(SessionNodes nodes, int n) {
    return IntStream.range(0, n).mapToObj(i -> nodes.client()).toList();
  }

  private static void awaitOkSince(Traffic traffic, int[] from, int visits) {
    await().atMost(FAILOVER).until(() ->
        IntStream.range(0, traffic.size()).allMatch(c -> traffic.okSince(c, from[c]) >= visits));
  }

  private static int[] marks(Traffic traffic) {
    return IntStream.range(0, traffic.size()).map(c -> traffic.of(c).size()).toArray();
  }

  private static long failedSince(Traffic traffic, int client, int from) {
    List<SessionNodes.Visit> log = traffic.of(client);
    return log.subList(from, log.size()).stream().filter(v -> !v.ok()).count();
  }

  @Test
  void aKilledStandaloneRedisAnswers503InTimeAndAfterItsRestartTheCountersGoOnFromTheLastAcknowledgedValue()
      throws Exception {
    // appendfsync always: Redis writes the AOF and fsyncs before it replies, so a save the filter saw succeed
    // (and the client saw as 200) is on disk when the process is SIGKILLed
    try (RedisServerProcess redis = RedisServerProcess.start(List.of("--appendonly", "yes", "--appendfsync", "always"));
        SessionNodes nodes = new SessionNodes(() -> store(b -> b.uri(redis.uri())))) {
      Traffic traffic = new Traffic(clients(nodes, 3));
      int[] killed;
      try {
        awaitOkSince(traffic, new int[3], 10);
        redis.kill();
        killed = marks(traffic);
        await().atMost(FAILOVER).until(() ->
            IntStream.range(0, traffic.size()).allMatch(c -> failedSince(traffic, c, killed[c]) >= 3));
        redis.restart();
        awaitOkSince(traffic, marks(traffic), 10);
      } finally {
        traffic.close();
      }
      traffic.assertNoAcknowledgedWriteLost(ANSWER_BOUND);
      for (int c = 0; c < traffic.size(); c++) {
        assertThat(traffic.of(c).stream().map(SessionNodes.Visit::server).distinct())
            .as("round robin through the proxy").contains("app-1", "app-2");
      }
    }
  }

  @Test
  void aKilledClusterMasterFailsOnlyItsSessionsUntilItsReplicaIsPromotedAndNoAcknowledgedWriteIsLost()
      throws Exception {
    try (RedisCluster cluster = RedisCluster.start()) {
      List<RedisServerProcess> masters = List.copyOf(cluster.nodes());
      List<RedisServerProcess> replicas = new ArrayList<>();
      for (RedisServerProcess m : masters) {
        replicas.add(cluster.addReplicaOf(m));
      }
      // Redis' default (yes) refuses every query with CLUSTERDOWN while any slot has no master: then all sessions
      // fail until the promotion, not only those on the dead master
      cluster.nodes().forEach(n -> n.call("CONFIG", "SET", "cluster-require-full-coverage", "no"));
      try (SessionNodes nodes = new SessionNodes(() -> store(b -> b.clusterSeeds(cluster.seeds())
          .topologyRefreshPeriod(Duration.ofSeconds(1))))) {
        List<Client> clients = clients(nodes, 6);
        Traffic traffic = new Traffic(clients);
        RedisServerProcess master;
        RedisServerProcess replica;
        int[] killed;
        int[] promoted;
        List<Integer> elsewhere = new ArrayList<>();
        try {
          awaitOkSince(traffic, new int[clients.size()], 5);
          master = cluster.nodeFor(key(clients.get(0)));
          replica = replicas.get(masters.indexOf(master));
          for (int c = 1; c < clients.size(); c++) {
            if (cluster.nodeFor(key(clients.get(c))) != master) {
              elsewhere.add(c);
            }
          }
          RedisServerProcess dying = master;
          int[][] at = new int[1][];
          // replication is asynchronous: a write the master acknowledged is in the replica once the offsets match
          traffic.quiesced(() -> {
            awaitReplicated(dying);
            dying.kill();
            at[0] = marks(traffic);
          });
          killed = at[0];
          await().atMost(FAILOVER).until(() -> failedSince(traffic, 0, killed[0]) >= 1);
          await().atMost(FAILOVER).until(() -> String.valueOf(replica.call("ROLE")).startsWith("[master"));
          promoted = marks(traffic);
          awaitOkSince(traffic, promoted, 5);
        } finally {
          traffic.close();
        }
        traffic.assertNoAcknowledgedWriteLost(ANSWER_BOUND);
        for (int c : elsewhere) {
          // served all through the outage (a rare command timeout on a loaded machine is a 503 like any other)
          long served = traffic.of(c).subList(killed[c], promoted[c]).stream().filter(SessionNodes.Visit::ok).count();
          assertThat(served).as("client %d, whose session is on another master, during the outage", c)
              .isGreaterThanOrEqualTo(10);
        }
      }
    }
  }

  @Test
  void aKilledSentinelMasterAnswers503InTimeUntilTheSentinelsPromoteItsReplicaAndNoAcknowledgedWriteIsLost()
      throws Exception {
    try (RedisServerProcess master = RedisServerProcess.start();
        RedisServerProcess replica = RedisServerProcess.start(List.of("--replicaof", "127.0.0.1",
            Integer.toString(master.port())))) {
      await().atMost(Duration.ofSeconds(20))
          .until(() -> String.valueOf(replica.call("INFO", "replication")).contains("master_link_status:up"));
      List<RedisServerProcess> sentinels = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          sentinels.add(RedisServerProcess.startSentinel("mymaster", master.port()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sentinels.stream().allMatch(s ->
            String.valueOf(s.call("INFO", "sentinel")).contains("slaves=1,sentinels=3")));
        String uri = "redis-sentinel://" + String.join(",", sentinels.stream().map(s -> "127.0.0.1:" + s.port()).toList())
            + "/0#mymaster";
        try (SessionNodes nodes = new SessionNodes(() -> store(b -> b.uri(uri)))) {
          Traffic traffic = new Traffic(clients(nodes, 3));
          try {
            awaitOkSince(traffic, new int[3], 5);
            int[][] at = new int[1][];
            traffic.quiesced(() -> {
              awaitReplicated(master);
              master.kill();
              at[0] = marks(traffic);
            });
            await().atMost(FAILOVER).until(() -> failedSince(traffic, 0, at[0][0]) >= 1);
            await().atMost(FAILOVER).until(() -> List.of("127.0.0.1", Integer.toString(replica.port()))
                .equals(sentinels.get(0).call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")));
            awaitOkSince(traffic, marks(traffic), 5);
          } finally {
            traffic.close();
          }
          traffic.assertNoAcknowledgedWriteLost(ANSWER_BOUND);
        }
      } finally {
        sentinels.forEach(RedisServerProcess::close);
      }
    }
  }

  private static String key(Client client) {
    return "loadstone:s:{" + client.sessionId() + "}";
  }

  private static final Pattern MASTER_OFFSET = Pattern.compile("master_repl_offset:(\\d+)");
  private static final Pattern REPLICA_OFFSET = Pattern.compile("slave\\d+:[^\\r\\n]*offset=(\\d+)");

  /** Waits until every replica of {@code master} has acknowledged the master's replication offset. */
  private static void awaitReplicated(RedisServerProcess master) {
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      String info = String.valueOf(master.call("INFO", "replication"));
      Matcher m = MASTER_OFFSET.matcher(info);
      if (!m.find()) {
        return false;
      }
      long offset = Long.parseLong(m.group(1));
      Matcher r = REPLICA_OFFSET.matcher(info);
      boolean any = false;
      while (r.find()) {
        any = true;
        if (Long.parseLong(r.group(1)) < offset) {
          return false;
        }
      }
      return any;
    });
  }
}
