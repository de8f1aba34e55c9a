package dev.loadstone.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.redis.RedisSessionStore.NearCacheValidation;
import dev.loadstone.session.testing.RedisServerProcess;
import dev.loadstone.session.testing.SessionStoreContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The near-cache keeps every store rule (the contract) and stays correct across two nodes. */
class RedisNearCacheIT extends SessionStoreContract {
  static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
    WarmUp.standalone(redis.uri());
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Override
  protected SessionStore newStore(SessionFactory factory) {
    return node(factory, NearCacheValidation.TRACKING, new CommandCounter());
  }

  private static RedisSessionStore node(SessionFactory factory, NearCacheValidation validation, CommandCounter counter) {
    return RedisSessionStore.builder().uri(redis.uri()).sessions(factory).nearCache(1000)
        .nearCacheTtl(Duration.ofMinutes(10)).nearCacheValidation(validation).commandListener(counter).build();
  }

  @Override
  protected byte[] readRawAttribute(String id, String name) {
    Object v = redis.call("HGET", TestKeys.session(id), "a:" + name);
    return v == null ? null : ((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  protected void writeRawAttribute(String id, String name, byte[] bytes) {
    redis.call("HSET", TestKeys.session(id), "a:" + name, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
  }

  private Object attribute(BlockingSessionStore node, String id, String name) {
    return node.load(id).map(s -> s.getAttribute(name)).orElse(null);
  }

  @Test
  void withTrackingARepeatLoadIsServedLocallyAndAnotherNodesChangeAndDeleteReachIt() {
    CommandCounter countA = new CommandCounter();
    CommandCounter countB = new CommandCounter();
    RedisSessionStore rawB = node(factory, NearCacheValidation.TRACKING, countB);
    try (BlockingSessionStore a = BlockingSessionStore.of(node(factory, NearCacheValidation.TRACKING, countA));
        BlockingSessionStore b = BlockingSessionStore.of(rawB)) {
      Session s = a.create();
      s.setAttribute("n", 1);
      a.save(s);
      assertThat(attribute(b, s.id(), "n")).isEqualTo(1); // miss: fetched and tracked
      assertThat(rawB.nearCacheTracking()).isTrue();
      assertThat(countB.during(() -> assertThat(attribute(b, s.id(), "n")).isEqualTo(1))).isEmpty();

      Session onA = a.load(s.id()).orElseThrow();
      onA.setAttribute("n", 2);
      a.save(onA);
      await().atMost(Duration.ofSeconds(2)).until(() -> Integer.valueOf(2).equals(attribute(b, s.id(), "n")));
      assertThat(countB.during(() -> assertThat(attribute(b, s.id(), "n")).isEqualTo(2))).as("cached again").isEmpty();

      a.delete(s.id());
      await().atMost(Duration.ofSeconds(2)).until(() -> b.load(s.id()).isEmpty());
      assertThat(meters.get("loadstone.session.nearcache.loads").tag("result", "hit").counter().count()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void withVersionCheckTheVeryNextLoadOnTheOtherNodeSeesTheChangeInOneRoundTrip() {
    CommandCounter countB = new CommandCounter();
    try (BlockingSessionStore a = BlockingSessionStore.of(node(factory, NearCacheValidation.VERSION_CHECK, new CommandCounter()));
        BlockingSessionStore b = BlockingSessionStore.of(node(factory, NearCacheValidation.VERSION_CHECK, countB))) {
      Session s = a.create();
      s.setAttribute("n", 1);
      s.setAttribute("big", "x".repeat(4096));
      a.save(s);
      assertThat(attribute(b, s.id(), "n")).isEqualTo(1);
      assertThat(attribute(b, s.id(), "n")).isEqualTo(1); // loads the script once
      assertThat(countB.during(() -> assertThat(attribute(b, s.id(), "n")).isEqualTo(1))).containsExactly("EVALSHA");

      Session onA = a.load(s.id()).orElseThrow();
      onA.setAttribute("n", 2);
      a.save(onA);
      List<String> next = countB.during(() -> assertThat(attribute(b, s.id(), "n")).isEqualTo(2));
      assertThat(next).containsExactly("EVALSHA");

      a.delete(s.id());
      assertThat(b.load(s.id())).isEmpty();
    }
  }

  @Test
  void aTrackingNodeKeepsWorkingAfterRedisRestartsAndNeverServesWhatItCachedBefore() {
    try (RedisServerProcess own = RedisServerProcess.start()) {
      RedisSessionStore raw = RedisSessionStore.builder().uri(own.uri()).sessions(factory).nearCache(100)
          .nearCacheTtl(Duration.ofMinutes(10)).maxReconnectDelay(Duration.ofMillis(100)).build();
      try (BlockingSessionStore node = BlockingSessionStore.of(raw)) {
        Session s = node.create();
        s.setAttribute("n", 1);
        node.save(s);
        assertThat(attribute(node, s.id(), "n")).isEqualTo(1);
        own.kill();
        own.restart(); // empty: the session is gone
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> node.load(s.id()).isEmpty());
        Session again = node.create();
        again.setAttribute("n", 3);
        node.save(again);
        assertThat(attribute(node, again.id(), "n")).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          node.load(again.id());
          return raw.nearCacheTracking();
        });
      }
    }
  }

  @Test
  void aSessionThatExpiredByTheClockIsNotServedFromTheNearCache() {
    Session s = saved(Map.of("a", "1"));
    assertThat(store.load(s.id())).isPresent();
    clock.advance(Duration.ofMinutes(30));
    assertThat(store.load(s.id())).isEmpty();
  }
}
