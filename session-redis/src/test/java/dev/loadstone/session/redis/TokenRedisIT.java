package dev.loadstone.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.token.KeyRing;
import dev.loadstone.session.token.TokenSessionStore;
import dev.loadstone.session.testing.MutableClock;
import dev.loadstone.session.testing.RedisServerProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Revocation and spill against a real redis-server: two store instances play two nodes sharing one key ring. */
class TokenRedisIT {
  static RedisServerProcess redis;
  static final KeyRing KEYS = KeyRing.of("k1", filled(7));

  MutableClock clock;
  SimpleMeterRegistry meters;
  RevocationList revocations;
  BlockingSessionStore nodeA;
  BlockingSessionStore nodeB;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  static byte[] filled(int b) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) b);
    return key;
  }

  @BeforeEach
  void setUp() {
    redis.call("FLUSHALL");
    clock = MutableClock.startingNow();
    meters = new SimpleMeterRegistry();
    revocations = RedisRevocationLists.connect(redis.uri(), Duration.ofSeconds(1));
    nodeA = node();
    nodeB = node();
  }

  BlockingSessionStore node() {
    return BlockingSessionStore.of(TokenSessionStore.builder()
        .keyRing(KEYS)
        .clock(clock)
        .meterRegistry(meters)
        .revocationList(revocations)
        .revocationCacheTtl(Duration.ofSeconds(5))
        .idleTimeout(Duration.ofMinutes(30))
        .build());
  }

  @AfterEach
  void tearDown() {
    revocations.close();
  }

  String issue(BlockingSessionStore store) {
    Session s = store.create();
    s.setAttribute("user", "ada");
    return store.save(s);
  }

  @Test
  void aDeletedSessionsTokensAreRejectedAtOnceOnTheSameNodeAndAfterTheCacheTtlElsewhere() {
    String token = issue(nodeA);
    Session onA = nodeA.load(token).orElseThrow();
    assertThat(nodeB.load(token)).isPresent(); // B caches "not revoked" for 5 s

    nodeA.delete(onA.id());
    assertThat(nodeA.load(token)).isEmpty();
    assertThat(nodeB.load(token)).isPresent(); // B's cached answer still stands
    clock.advance(Duration.ofSeconds(6));
    assertThat(nodeB.load(token)).isEmpty();
    assertThat(meters.get("loadstone.session.token.rejected").tag("reason", "revoked").counter().count())
        .isEqualTo(2);
  }

  @Test
  void anOlderTokenOfTheSameSessionIsRevokedToo() {
    String first = issue(nodeA);
    Session s = nodeA.load(first).orElseThrow();
    s.setAttribute("user", "grace");
    String second = nodeA.save(s);
    assertThat(second).isNotEqualTo(first);
    nodeA.delete(s.id());
    assertThat(nodeA.load(first)).isEmpty();
    assertThat(nodeA.load(second)).isEmpty();
  }

  @Test
  void theRevocationRecordLastsUntilTheLastTokenWouldHaveExpired() {
    String token = issue(nodeA);
    Session s = nodeA.load(token).orElseThrow();
    nodeA.delete(s.id());
    long ttl = (Long) redis.call("PTTL", RedisRevocationLists.DEFAULT_PREFIX + s.id());
    assertThat(ttl).isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
  }

  @Test
  void changingTheIdRevokesTheOldIdsTokens() {
    String token = issue(nodeA);
    Session s = nodeA.load(token).orElseThrow();
    Session moved = nodeA.changeId(s);
    String newToken = nodeA.save(moved);
    assertThat(nodeA.load(token)).isEmpty();
    assertThat(nodeA.load(newToken).orElseThrow().getAttribute("user")).isEqualTo("ada");
  }

  @Test
  void mostLoadsAreAnsweredFromTheLocalCacheWithoutARoundTrip() {
    String token = issue(nodeA);
    nodeA.load(token);
    long before = commandsProcessed();
    for (int i = 0; i < 50; i++) {
      assertThat(nodeA.load(token)).isPresent();
    }
    assertThat(commandsProcessed() - before).isLessThanOrEqualTo(1); // the INFO call itself
  }

  @Test
  void anUnreachableRevocationListMakesLoadFailAsUnavailableNotAsNoSession() {
    String token = issue(nodeA);
    redis.kill();
    try {
      assertThatThrownBy(() -> nodeA.load(token)).isInstanceOf(SessionStoreUnavailableException.class);
    } finally {
      redis.restart();
    }
  }

  @Test
  void aSessionTooLargeForTheCookieSpillsToRedisAndTheCookieCarriesOnlyASignedReference() {
    try (RedisSessionStore redisStore = RedisSessionStore.builder()
        .sessions(SessionFactory.builder().clock(clock).meterRegistry(meters).build())
        .uri(redis.uri())
        .build()) {
      BlockingSessionStore node = BlockingSessionStore.of(TokenSessionStore.builder()
          .keyRing(KEYS).clock(clock).meterRegistry(meters).spillTo(redisStore).build());
      Session s = node.create();
      s.setAttribute("cart", "item,".repeat(2_000));
      String reference = node.save(s);
      assertThat(reference.length()).isLessThan(300);
      assertThat((Long) redis.call("DBSIZE")).isGreaterThanOrEqualTo(1L);

      Session loaded = node.load(reference).orElseThrow();
      assertThat(loaded.id()).isEqualTo(s.id());
      assertThat(loaded.getAttribute("cart")).isEqualTo("item,".repeat(2_000));

      // a forged reference (another spill handle) fails the tag check like any tampered token
      String[] parts = reference.split("\\.");
      assertThat(node.load(parts[0] + "." + parts[1] + "." + parts[2] + "x." + parts[3])).isEmpty();

      node.delete(s.id());
      assertThat(node.load(reference)).isEmpty();
    }
  }

  private long commandsProcessed() {
    String info = String.valueOf(redis.call("INFO", "stats"));
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("total_commands_processed:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    throw new AssertionError("no total_commands_processed in INFO stats");
  }

  @Test
  void anExpiredTokenPresentedOnTwoNodesIsReportedOnceAcrossThem() {
    List<String> expired = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.loadstone.session.SessionEventListener listener = new dev.loadstone.session.SessionEventListener() {
      @Override
      public void sessionExpired(Session session) {
        expired.add(session.id() + " " + session.getAttribute("user"));
      }
    };
    nodeA.async().addListener(listener);
    nodeB.async().addListener(listener);
    String token = issue(nodeA);
    String id = nodeA.load(token).orElseThrow().id();
    clock.advance(Duration.ofMinutes(31));
    assertThat(nodeA.load(token)).isEmpty();
    assertThat(nodeB.load(token)).isEmpty();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !expired.isEmpty());
    assertThat(nodeA.load(token)).isEmpty();
    assertThat(expired).containsExactly(id + " ada");
  }

  @Test
  void aRevocationListMadeWhileRedisIsDownConnectsOnceItIsUp() {
    try (RedisServerProcess own = RedisServerProcess.start()) {
      own.kill();
      try (RevocationList lazy = RedisRevocationLists.connect(own.uri(), Duration.ofSeconds(1))) {
        assertThatThrownBy(() -> lazy.isRevoked("x").toCompletableFuture().join())
            .hasCauseInstanceOf(SessionStoreUnavailableException.class);
        own.restart();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> !lazy.isRevoked("x").toCompletableFuture().join());
        lazy.revoke("x", Duration.ofMinutes(1)).toCompletableFuture().join();
        assertThat(lazy.isRevoked("x").toCompletableFuture().join()).isTrue();
      }
    }
  }
}
