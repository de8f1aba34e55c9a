package dev.loadstone.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.SessionStoreUnavailableException;
import dev.loadstone.session.testing.RedisServerProcess;
import dev.loadstone.session.testing.SessionStoreContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisSessionStoreIT extends SessionStoreContract {
  static RedisServerProcess redis;
  CommandCounter counter;

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
    counter = new CommandCounter();
    return RedisSessionStore.builder().uri(redis.uri()).sessions(factory).commandListener(counter).build();
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

  @Override
  protected void assertNoTrace(String id) {
    assertThat(redis.call("EXISTS", TestKeys.session(id))).isEqualTo(0L);
  }

  /** How long an expired hash stays for the expiry sweep: part of every session key's TTL. */
  static final long RETENTION = Duration.ofMinutes(5).toMillis();

  private long pttl(String id) {
    return (Long) redis.call("PTTL", TestKeys.session(id));
  }

  @Test
  void aSessionIsOneHashUnderItsHashTaggedKeyWithMetadataAndPrefixedAttributes() {
    Session s = saved(Map.of("user", "alice"));
    @SuppressWarnings("unchecked")
    List<Object> flat = (List<Object>) redis.call("HGETALL", "loadstone:s:{" + s.id() + "}");
    Map<String, Object> hash = new java.util.HashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      hash.put((String) flat.get(i), flat.get(i + 1));
    }
    assertThat(hash).containsOnlyKeys("#c", "#a", "#i", "#x", "#v", "a:user");
    assertThat(hash.get("#c")).isEqualTo(Long.toString(s.creationTime().toEpochMilli()));
    assertThat(hash.get("#i")).isEqualTo("1800000");
    assertThat(hash.get("#x")).isEqualTo("43200000");
    assertThat(hash.get("a:user")).isEqualTo("{\"v\":\"alice\"}");
  }

  @Test
  void aReadOnlyRequestMakesExactlyOneRoundTripAndASaveOfChangesOneMore() {
    Session warm = saved(Map.of("a", "1")); // connects and loads the script once
    store.save(store.load(warm.id()).orElseThrow());
    Session s = saved(Map.of("a", "1", "b", List.of(1, 2)));
    long hgetallBefore = commandCalls("hgetall");
    List<String> readOnly = counter.during(() -> {
      Session r = store.load(s.id()).orElseThrow();
      r.getAttribute("a");
      r.getAttribute("b");
      store.save(r);
    });
    assertThat(readOnly).containsExactly("HGETALL");
    assertThat(commandCalls("hgetall") - hgetallBefore).isEqualTo(1);
    Session r = store.load(s.id()).orElseThrow();
    r.setAttribute("a", "2");
    r.removeAttribute("b");
    assertThat(counter.during(() -> store.save(r))).containsExactly("EVALSHA");
  }

  private long commandCalls(String command) {
    String info = (String) redis.call("INFO", "commandstats");
    for (String line : info.split("\r\n")) {
      if (line.startsWith("cmdstat_" + command + ":calls=")) {
        return Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
      }
    }
    return 0;
  }

  @Test
  void redisTtlIsTheRemainingIdleTimeAndSlidesWithEachWrittenTouch() {
    Session s = saved(Map.of("a", "1"));
    long idle = Duration.ofMinutes(30).toMillis();
    assertThat(pttl(s.id())).isBetween(idle + RETENTION - 2000, idle + RETENTION);
    clock.advance(Duration.ofMinutes(10));
    store.save(store.load(s.id()).orElseThrow()); // touch due, written at the node's "now" (10 min ahead of Redis)
    assertThat(pttl(s.id())).isBetween(idle + Duration.ofMinutes(10).toMillis() + RETENTION - 2000,
        idle + Duration.ofMinutes(10).toMillis() + RETENTION);
  }

  @Test
  void theAbsoluteTimeoutCapsTheRedisTtl() {
    SessionFactory shortAbsolute = SessionFactory.builder().clock(clock).absoluteTimeout(Duration.ofMinutes(40)).build();
    try (BlockingSessionStore s = BlockingSessionStore.of(newStore(shortAbsolute))) {
      Session session = s.create();
      session.setAttribute("a", "1");
      s.save(session);
      clock.advance(Duration.ofMinutes(25));
      s.save(s.load(session.id()).orElseThrow()); // touched at 25 min: idle would allow 55, absolute allows 40
      // 40 min after creation, by Redis time (the test clock moved, Redis's did not), plus the retention
      assertThat(pttl(session.id())).isBetween(Duration.ofMinutes(40).toMillis() + RETENTION - 2000,
          Duration.ofMinutes(40).toMillis() + RETENTION);
    }
  }

  @Test
  void afterAnIdChangeTheOldKeyIsATombstoneThatExpiresAfterTheGracePeriod() {
    try (BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder().uri(redis.uri()).sessions(factory)
        .movedGracePeriod(Duration.ofMillis(300)).build())) {
      Session session = s.create();
      session.setAttribute("a", "1");
      s.save(session);
      String oldId = session.id();
      Session moved = s.changeId(s.load(oldId).orElseThrow());
      assertThat(redis.call("HGETALL", TestKeys.session(oldId))).isEqualTo(List.of("#m", moved.id(), "#mv", "1"));
      assertThat(pttl(oldId)).isBetween(1L, 300L);
      assertThat(s.load(oldId)).as("an old id loads nothing, at once").isEmpty();
      await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", TestKeys.session(oldId)).equals(0L));
      assertThat(s.load(moved.id()).orElseThrow().getAttribute("a")).isEqualTo("1");
    }
  }

  @Test
  void whenRedisIsKilledOperationsFailFastWithUnavailableAndRecoverWhenItReturns() {
    try (RedisServerProcess own = RedisServerProcess.start();
        BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder().uri(own.uri()).sessions(factory)
            .commandTimeout(Duration.ofMillis(500)).maxReconnectDelay(Duration.ofMillis(100)).build())) {
      Session session = s.create();
      session.setAttribute("a", "1");
      s.save(session);
      own.kill();
      Session r = s.create();
      r.setAttribute("b", "2");
      long start = System.nanoTime();
      assertThatThrownBy(() -> s.save(r)).isInstanceOf(SessionStoreUnavailableException.class);
      assertThatThrownBy(() -> s.load(session.id())).isInstanceOf(SessionStoreUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("both failures within the timeout").isLessThan(Duration.ofMillis(1500));
      own.restart();
      assertThat(own.call("DBSIZE")).as("nothing half-written, nothing replayed").isEqualTo(0L);
      await().atMost(Duration.ofSeconds(10)).ignoreException(SessionStoreUnavailableException.class)
          .until(() -> s.load(session.id()).isEmpty());
      Session after = s.create();
      after.setAttribute("c", "3");
      s.save(after);
      assertThat(s.load(after.id()).orElseThrow().getAttribute("c")).isEqualTo("3");
    }
  }

  @Test
  void aStoreBuiltWhileRedisIsDownFailsFastThenConnectsOnceRedisIsUp() {
    try (RedisServerProcess own = RedisServerProcess.start()) {
      own.kill();
      try (BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder().uri(own.uri()).sessions(factory).build())) {
        assertThatThrownBy(() -> s.load(factory.ids().next())).isInstanceOf(SessionStoreUnavailableException.class);
        own.restart();
        Session session = s.create();
        session.setAttribute("a", "1");
        await().atMost(Duration.ofSeconds(10)).ignoreException(SessionStoreUnavailableException.class)
            .until(() -> s.save(session) != null); // after the connect back-off
        assertThat(s.load(session.id())).isPresent();
      }
    }
  }

  @Test
  void aSaveThatTimesOutIsAppliedWhollyOrNotAtAll() {
    Session s = saved(Map.of("a", "0"));
    Session r = store.load(s.id()).orElseThrow();
    r.setAttribute("a", "1");
    r.setAttribute("b", "2");
    redis.call("CLIENT", "PAUSE", "1000", "WRITE");
    assertThatThrownBy(() -> store.save(r)).isInstanceOf(SessionStoreUnavailableException.class)
        .hasMessageContaining("PT0.5S");
    await().atMost(Duration.ofSeconds(5)).until(() -> "{\"v\":\"2\"}".equals(redis.call("HGET", TestKeys.session(s.id()), "a:b")));
    assertThat(redis.call("HGET", TestKeys.session(s.id()), "a:a")).isEqualTo("{\"v\":\"1\"}");
    assertThat(redis.call("HGET", TestKeys.session(s.id()), "#v")).isEqualTo("2");
  }

  @Test
  void aMalformedOrOversizedIdIsAbsentWithoutAnyCommand() {
    saved(Map.of("warm", "up"));
    assertThat(counter.during(() -> {
      assertThat(store.load("../../etc/passwd")).isEmpty();
      assertThat(store.load("A".repeat(4096))).isEmpty();
      assertThat(store.load("")).isEmpty();
      store.delete("not{an}id");
    })).isEmpty();
  }

  @Test
  void anAclUserWithPasswordConnectsAndAWrongPasswordIsUnavailable() {
    try (RedisServerProcess secured = RedisServerProcess.start(List.of("--user", "app", "on", ">s3cret", "~loadstone:*", "&*", "+@all"))) {
      try (BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder().uri(secured.uri()).sessions(factory)
          .credentials("app", "s3cret".toCharArray()).build())) {
        Session session = s.create();
        session.setAttribute("a", "1");
        s.save(session);
        assertThat(s.load(session.id()).orElseThrow().getAttribute("a")).isEqualTo("1");
      }
      try (BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder()
          .uri("redis://app:s3cret@127.0.0.1:" + secured.port()).sessions(factory).build())) {
        assertThat(s.load(factory.ids().next())).isEmpty();
      }
      try (BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder().uri(secured.uri()).sessions(factory)
          .credentials("app", "wrong".toCharArray()).build())) {
        assertThatThrownBy(() -> s.load(factory.ids().next())).isInstanceOf(SessionStoreUnavailableException.class);
      }
    }
  }

  @Test
  void builderRejectsBadUrisAndOptionsSetTwice() {
    assertThatThrownBy(() -> RedisSessionStore.builder().uri("http://x")).hasMessage(
        "uri: http://x (expected: redis://, rediss:// or redis-sentinel://)");
    assertThatThrownBy(() -> RedisSessionStore.builder().commandTimeout(Duration.ofMillis(1)).commandTimeout(Duration.ofMillis(2)))
        .hasMessage("commandTimeout was already set");
    assertThatThrownBy(() -> RedisSessionStore.builder().uri("redis://a").clusterSeeds(List.of("redis://b")))
        .hasMessageContaining("exclusive");
    assertThatThrownBy(() -> RedisSessionStore.builder().build()).hasMessageContaining("neither uri nor clusterSeeds");
  }


  @Test
  void theTtlCountsFromRedisTimeNotFromTheClockOfTheNodeThatSaved() {
    Session s = saved(Map.of("a", "1"));
    dev.loadstone.session.testing.MutableClock fastNode = new dev.loadstone.session.testing.MutableClock(
        clock.instant().plus(Duration.ofMinutes(10)));
    SessionFactory skewed = SessionFactory.builder().clock(fastNode).touchShare(0.5).build();
    try (BlockingSessionStore nodeB = BlockingSessionStore.of(newStore(skewed))) {
      Session r = nodeB.load(s.id()).orElseThrow(); // 10 min "later" on its clock, below the touch threshold
      r.setAttribute("b", "2");
      nodeB.save(r);
    }
    assertThat(pttl(s.id())).isGreaterThan(Duration.ofMinutes(29).toMillis() + RETENTION);
  }

  @Test
  void afterAFailedConnectRequestsFailFastWithoutConnectingAgainUntilTheBackOffEnds() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
      List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // accepts and never answers: every handshake times out
            accepted.incrementAndGet();
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      try (BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder()
          .uri("redis://127.0.0.1:" + silent.getLocalPort()).sessions(factory)
          .connectTimeout(Duration.ofMillis(300)).maxReconnectDelay(Duration.ofSeconds(30)).build())) {
        for (int i = 0; i < 5; i++) {
          assertThatThrownBy(() -> s.load(factory.ids().next())).isInstanceOf(SessionStoreUnavailableException.class);
        }
      }
      assertThat(accepted.get()).isEqualTo(1);
      for (java.net.Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void anExpiryThatPassedWhileRedisWasDownIsReportedOnceWhenItIsBack() {
    try (RedisServerProcess durable = RedisServerProcess.start(List.of("--appendonly", "yes", "--appendfsync", "always"));
        BlockingSessionStore s = BlockingSessionStore.of(RedisSessionStore.builder().uri(durable.uri()).sessions(factory)
            .maxReconnectDelay(Duration.ofMillis(100)).build())) {
      List<String> expired = new java.util.concurrent.CopyOnWriteArrayList<>();
      s.async().addListener(new dev.loadstone.session.SessionEventListener() {
        @Override
        public void sessionExpired(Session session) {
          expired.add(session.id() + " " + session.getAttribute("user"));
        }
      });
      Session session = s.create();
      session.setAttribute("user", "erin");
      session.setIdleTimeout(Duration.ofSeconds(1));
      s.save(session);
      durable.kill();
      durable.restart(); // reloads the AOF: the session's hash and its expiry index entry come back
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
          .ignoreException(SessionStoreUnavailableException.class)
          .until(() -> s.await(s.async().sweepExpired()) > 0 || !expired.isEmpty());
      s.await(s.async().sweepExpired());
      assertThat(expired).containsExactly(session.id() + " erin");
    }
  }

  @Test
  void theKeyPrefixSeparatesApplicationsSharingOneRedis() {
    try (BlockingSessionStore other = BlockingSessionStore.of(RedisSessionStore.builder().uri(redis.uri()).sessions(factory)
        .keyPrefix("app2:").build())) {
      Session s = other.create();
      s.setAttribute("a", "1");
      other.save(s);
      assertThat(redis.call("EXISTS", "app2:s:{" + s.id() + "}")).isEqualTo(1L);
      assertThat(redis.call("ZSCORE", "app2:x", s.id())).isNotNull();
      assertThat(store.load(s.id())).as("another prefix, another application").isEmpty();
    }
    assertThatThrownBy(() -> RedisSessionStore.builder().keyPrefix("a{b}:"))
        .hasMessage("keyPrefix: 'a{b}:' (expected: non-empty, no braces or spaces, e.g. myapp:)");
  }

  @Test
  void theSaveScriptKeepsTheExpiryAndPrincipalIndexesInTheSameStep() {
    Session s = store.create();
    s.setAttribute(dev.loadstone.session.PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE, "frank-" + s.id());
    store.save(s);
    String expiresAt = Long.toString(s.creationTime().plus(Duration.ofMinutes(30)).toEpochMilli());
    assertThat(redis.call("ZSCORE", "loadstone:x", s.id())).isEqualTo(expiresAt);
    assertThat(redis.call("SMEMBERS", "loadstone:p:{frank-" + s.id() + "}")).isEqualTo(List.of(s.id()));
    assertThat(redis.call("HGET", TestKeys.session(s.id()), "#p")).isEqualTo("frank-" + s.id());
    store.delete(s.id());
    assertThat(redis.call("ZSCORE", "loadstone:x", s.id())).isNull();
    assertThat(redis.call("EXISTS", "loadstone:p:{frank-" + s.id() + "}")).isEqualTo(0L);
  }
}
