package dev.loadstone.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.testing.RedisCluster;
import dev.loadstone.session.testing.RedisServerProcess;
import dev.loadstone.session.testing.SessionStoreContract;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store on a real 3-master Cluster: every store rule, plus slots, cross-slot id changes and a node restart. */
class RedisClusterIT extends SessionStoreContract {
  static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start();
    WarmUp.cluster(cluster.seeds());
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  protected SessionStore newStore(SessionFactory factory) {
    return RedisSessionStore.builder().clusterSeeds(cluster.seeds()).sessions(factory)
        .maxReconnectDelay(Duration.ofMillis(100)).topologyRefreshPeriod(Duration.ofSeconds(1)).build();
  }

  @Override
  protected void writeRawAttribute(String id, String name, byte[] bytes) {
    String key = TestKeys.session(id);
    cluster.nodeFor(key).call("HSET", key, "a:" + name, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  protected byte[] readRawAttribute(String id, String name) {
    String key = TestKeys.session(id);
    Object v = cluster.nodeFor(key).call("HGET", key, "a:" + name);
    return v == null ? null : ((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  protected void assertNoTrace(String id) {
    String key = TestKeys.session(id);
    assertThat(cluster.nodeFor(key).call("EXISTS", key)).isEqualTo(0L);
  }

  @Test
  void aNearCacheOnTheClusterChecksTheVersionSoTheNextLoadOnAnotherNodeSeesAChange() {
    java.util.function.Supplier<RedisSessionStore> node = () -> RedisSessionStore.builder().clusterSeeds(cluster.seeds())
        .sessions(factory).nearCache(100).nearCacheTtl(Duration.ofMinutes(10)).build();
    try (BlockingSessionStore a = BlockingSessionStore.of(node.get()); BlockingSessionStore b = BlockingSessionStore.of(node.get())) {
      Session s = a.create();
      s.setAttribute("n", 1);
      a.save(s);
      assertThat(b.load(s.id()).orElseThrow().getAttribute("n")).isEqualTo(1);
      assertThat(b.load(s.id()).orElseThrow().getAttribute("n")).isEqualTo(1);
      Session onA = a.load(s.id()).orElseThrow();
      onA.setAttribute("n", 2);
      a.save(onA);
      assertThat(b.load(s.id()).orElseThrow().getAttribute("n")).isEqualTo(2);
      a.delete(s.id());
      assertThat(b.load(s.id())).isEmpty();
      assertThat(meters.get("loadstone.session.nearcache.loads").tag("result", "validated").counter().count()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void sessionsSpreadOverTheSlotsOfAllThreeMasters() {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      Session s = store.create();
      s.setAttribute("i", i);
      store.save(s);
      RedisServerProcess node = cluster.nodeFor(TestKeys.session(s.id()));
      assertThat(node.call("EXISTS", TestKeys.session(s.id()))).isEqualTo(1L);
      ports.add(node.port());
    }
    assertThat(ports).hasSize(3);
  }

  @Test
  void anIdChangeAcrossSlotsOnDifferentNodesKeepsTheSessionAndTheOldIdLoadsNothing() {
    Session s = store.create();
    s.setAttribute("user", "alice");
    store.save(s);
    String oldId = s.id();
    RedisServerProcess oldNode = cluster.nodeFor(TestKeys.session(oldId));
    Session current = store.load(oldId).orElseThrow();
    for (int i = 0; i < 20 && cluster.nodeFor(TestKeys.session(current.id())) == oldNode; i++) {
      current = store.changeId(current);
    }
    RedisServerProcess newNode = cluster.nodeFor(TestKeys.session(current.id()));
    assertThat(newNode).isNotSameAs(oldNode);
    assertThat(store.load(current.id()).orElseThrow().getAttribute("user")).isEqualTo("alice");
    assertThat(store.load(oldId)).as("the old id loads nothing").isEmpty();
    assertThat(oldNode.call("HEXISTS", TestKeys.session(oldId), "#m")).isEqualTo(1L);
  }

  @Test
  void whileAMasterIsDownItsSessionsFailFastAndAfterItsRestartWritesSucceedAgain() {
    Session s = store.create();
    s.setAttribute("a", "1");
    store.save(s);
    RedisServerProcess node = cluster.nodeFor(TestKeys.session(s.id()));
    Session elsewhere;
    do {
      elsewhere = store.create();
    } while (cluster.nodeFor(TestKeys.session(elsewhere.id())) == node);
    elsewhere.setAttribute("b", "2");
    store.save(elsewhere);
    node.kill();
    try {
      assertThatThrownBy(() -> store.load(s.id())).isInstanceOf(SessionStoreUnavailableException.class);
      assertThat(store.load(elsewhere.id()).orElseThrow().getAttribute("b")).isEqualTo("2");
    } finally {
      node.restart();
    }
    cluster.awaitOk();
    Session onRestarted;
    do {
      onRestarted = store.create();
    } while (cluster.nodeFor(TestKeys.session(onRestarted.id())) != node);
    Session write = onRestarted;
    write.setAttribute("back", true);
    await().atMost(Duration.ofSeconds(20)).ignoreException(SessionStoreUnavailableException.class)
        .until(() -> store.load(s.id()).isEmpty()); // reachable again; its data died with it (no persistence)
    store.save(write);
    assertThat(store.load(write.id()).orElseThrow().getAttribute("back")).isEqualTo(true);
    assertThat(node.call("EXISTS", TestKeys.session(write.id()))).isEqualTo(1L);
  }

  @Test
  void aClusterStoreConnectsWhileTheCommonPoolIsBusy() throws Exception {
    int threads = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
    java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(threads);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    for (int i = 0; i < threads; i++) {
      java.util.concurrent.ForkJoinPool.commonPool().execute(() -> {
        busy.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    try {
      busy.await();
      try (SessionStore fresh = newStore(factory)) {
        assertThat(fresh.load(factory.ids().next()).toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS))
            .isEmpty();
      }
    } finally {
      release.countDown();
    }
  }
}
