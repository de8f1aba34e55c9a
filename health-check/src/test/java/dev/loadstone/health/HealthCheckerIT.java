package dev.loadstone.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthCheckerIT {
  private static EventLoopGroup group;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final BackendPool pool = BackendPool.builder().balancer(Balancers.roundRobin()).build();
  private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startLoops() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopLoops() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Origin origin() throws IOException {
    Origin o = new Origin();
    closeables.add(o);
    return o;
  }

  private static HealthCheckSettings.Builder fast() {
    // A generous timeout: a check that times out on a busy machine must not be mistaken for the behaviour under test.
    return HealthCheckSettings.builder().interval(Duration.ofMillis(40)).jitter(0.0).timeout(Duration.ofSeconds(3));
  }

  private HealthChecker start(HealthCheckSettings settings) {
    HealthChecker checker = HealthChecker.builder(pool, group)
        .settings(settings)
        .observer(new HealthObserver() {
          @Override
          public void onCheck(String backendId, CheckResult result) {
            events.add(backendId + (result.passed() ? " pass" : " fail"));
          }

          @Override
          public void onTransition(String backendId, Health health, String reason) {
            events.add(backendId + " " + health);
          }
        })
        .build();
    closeables.add(checker);
    checker.start();
    return checker;
  }

  private Health health(String id) {
    return pool.snapshot().get(id).health();
  }

  /** The events of one backend, from its first check up to and including the first transition to {@code h}. */
  private List<String> eventsUntil(String id, Health h) {
    List<String> mine = new ArrayList<>();
    synchronized (events) {
      for (String e : events) {
        if (e.startsWith(id + " ")) {
          mine.add(e.substring(id.length() + 1));
        }
      }
    }
    int end = mine.indexOf(h.name());
    return end < 0 ? mine : mine.subList(0, end + 1);
  }

  @Test
  void backendThatStartsFailingGoesDownAfterExactlyFallChecksAndBackAfterExactlyRise() throws Exception {
    Origin o1 = origin();
    Origin o2 = origin();
    pool.add(Backend.of("b1", o1.address(), 1), Health.UP);
    pool.add(Backend.of("b2", o2.address(), 1), Health.UP);
    start(fast().rise(2).fall(3).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> o2.requests.get() >= 2);
    assertThat(health("b2")).isEqualTo(Health.UP);

    o2.status.set(503);
    await().atMost(Duration.ofSeconds(5)).until(() -> health("b2") == Health.DOWN);
    List<String> untilDown = eventsUntil("b2", Health.DOWN);
    assertThat(untilDown.subList(untilDown.size() - 5, untilDown.size()))
        .containsExactly("pass", "fail", "fail", "fail", "DOWN");
    for (int i = 0; i < 50; i++) {
      try (Lease lease = pool.acquire(PickRequest.EMPTY)) {
        assertThat(lease.backend().id()).isEqualTo("b1");
      }
    }
    assertThat(pool.acquire(PickRequest.EMPTY).backend().id()).isEqualTo("b1");

    events.clear();
    o2.status.set(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> health("b2") == Health.UP);
    List<String> untilUp = eventsUntil("b2", Health.UP);
    assertThat(untilUp.subList(untilUp.size() - 3, untilUp.size())).containsExactly("pass", "pass", "UP");
  }

  @Test
  void backendAddedWhileRunningStartsDownAndTakesTrafficOnlyAfterRisePasses() throws Exception {
    Origin o1 = origin();
    Origin o3 = origin();
    pool.add(Backend.of("b1", o1.address(), 1), Health.UP);
    start(fast().rise(3).build());
    pool.add(Backend.of("b3", o3.address(), 1), Health.DOWN);
    assertThat(pool.snapshot().available()).extracting(s -> s.id()).containsExactly("b1");
    await().atMost(Duration.ofSeconds(5)).until(() -> health("b3") == Health.UP);
    assertThat(eventsUntil("b3", Health.UP)).containsExactly("pass", "pass", "pass", "UP");
  }

  @Test
  void removedBackendIsNoLongerChecked() throws Exception {
    Origin o1 = origin();
    pool.add(Backend.of("b1", o1.address(), 1), Health.UP);
    HealthChecker checker = start(fast().build());
    await().atMost(Duration.ofSeconds(5)).until(() -> checker.lastCheck("b1").isPresent());
    pool.remove("b1");
    int seen = o1.requests.get();
    // A check already in flight may still land; after that the count stays put across many intervals.
    await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
        .until(() -> o1.requests.get() <= seen + 1);
    assertThat(checker.lastCheck("b1")).isEmpty();
  }

  @Test
  void tcpCheckAgainstAClosedPortFailsWithConnectRefused() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Origin open = origin();
    pool.add(Backend.of("open", open.address(), 1), Health.UP);
    pool.add(Backend.of("closed", "127.0.0.1:" + closedPort, 1), Health.UP);
    HealthChecker checker = start(fast().type(HealthCheckSettings.Type.TCP).fall(2).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> health("closed") == Health.DOWN);
    assertThat(checker.lastCheck("closed")).hasValueSatisfying(r -> {
      assertThat(r.passed()).isFalse();
      assertThat(r.detail()).isEqualTo("connect refused");
    });
    assertThat(checker.lastCheck("open")).hasValueSatisfying(r -> assertThat(r.detail()).isEqualTo("connected"));
    assertThat(health("open")).isEqualTo(Health.UP);
  }

  @Test
  void checkOfABackendThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      pool.add(Backend.of("mute", "127.0.0.1:" + silent.getLocalPort(), 1), Health.UP);
      HealthChecker checker = start(HealthCheckSettings.builder().interval(Duration.ofMillis(40)).jitter(0.0)
          .timeout(Duration.ofMillis(150)).fall(1).build());
      await().atMost(Duration.ofSeconds(5)).until(() -> health("mute") == Health.DOWN);
      assertThat(checker.lastCheck("mute").orElseThrow().detail()).isEqualTo("timeout after 150ms");
      assertThat(checker.lastCheck("mute").orElseThrow().took()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }
  }

  @Test
  void httpCheckSendsItsPathAndHostHeaderToTheSeparateCheckPort() throws Exception {
    Origin traffic = origin();
    Origin admin = origin();
    pool.add(Backend.of("b1", traffic.address(), 1), Health.UP);
    HealthChecker checker = start(fast().path("/healthz").hostHeader("app.example").port(admin.port()).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> checker.lastCheck("b1").map(CheckResult::passed).orElse(false));
    assertThat(admin.lastPath.get()).isEqualTo("/healthz");
    assertThat(admin.lastHost.get()).isEqualTo("app.example");
    assertThat(traffic.requests.get()).isZero();
    assertThat(checker.lastCheck("b1").orElseThrow().detail()).isEqualTo("status 200");
  }

  @Test
  void backendNamedByHostNameIsResolvedWithoutBlockingAndComesUp() throws Exception {
    Origin o = origin();
    String port = o.address().substring(o.address().lastIndexOf(':') + 1);
    // "localhost" comes from /etc/hosts through Netty's DNS resolver: no query leaves the machine.
    pool.add(Backend.of("named", "localhost:" + port, 1), Health.DOWN);
    HealthChecker checker = start(fast().rise(1).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> health("named") == Health.UP);
    assertThat(checker.lastCheck("named").orElseThrow().detail()).isEqualTo("status 200");
    assertThat(o.requests.get()).isPositive();
  }

  @Test
  void unexpectedStatusFailsTheCheckAndNamesIt() throws Exception {
    Origin o = origin();
    o.status.set(404);
    pool.add(Backend.of("b1", o.address(), 1), Health.UP);
    HealthChecker checker = start(fast().expectedStatuses(200, 299).fall(1).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> health("b1") == Health.DOWN);
    assertThat(checker.lastCheck("b1").orElseThrow().detail()).isEqualTo("status 404");
  }

  @Test
  void bodySubstringIsFoundOnlyWithinTheBoundedPrefix() throws Exception {
    Origin early = origin();
    Origin late = origin();
    early.body.set("READY" + "x".repeat(100_000));
    late.body.set("x".repeat(100_000) + "READY");
    pool.add(Backend.of("early", early.address(), 1), Health.UP);
    pool.add(Backend.of("late", late.address(), 1), Health.UP);
    HealthChecker checker =
        start(fast().bodyContains("READY").maxBodyBytes(1024).fall(1).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> health("late") == Health.DOWN);
    assertThat(checker.lastCheck("late").orElseThrow().detail())
        .isEqualTo("status 200, body did not contain 'READY' in its first 1024 bytes");
    await().atMost(Duration.ofSeconds(5)).until(() -> checker.lastCheck("early").map(CheckResult::passed).orElse(false));
    assertThat(checker.lastCheck("early").orElseThrow().detail()).isEqualTo("status 200, body matched");
    assertThat(health("early")).isEqualTo(Health.UP);
  }

  @Test
  void passiveEjectionAfterFiveFailuresEndsAfterTheEjectionTimeWhenChecksPass() throws Exception {
    Origin o1 = origin();
    Origin o2 = origin();
    pool.add(Backend.of("b1", o1.address(), 1), Health.UP);
    pool.add(Backend.of("b2", o2.address(), 1), Health.UP);
    HealthChecker checker = start(fast().baseEjectionTime(Duration.ofMillis(300)).build());
    for (int i = 0; i < 5; i++) {
      checker.onFailure("b2", FailureKind.STATUS_5XX);
    }
    assertThat(health("b2")).isEqualTo(Health.DOWN);
    assertThat(checker.isEjected("b2")).isTrue();
    for (int i = 0; i < 5; i++) {
      checker.onFailure("b1", FailureKind.CONNECT);
    }
    assertThat(health("b1")).as("max ejection share 50% of 2 backends").isEqualTo(Health.UP);
    await().atMost(Duration.ofSeconds(5)).until(() -> health("b2") == Health.UP);
    assertThat(checker.isEjected("b2")).isFalse();
  }

  @Test
  void withoutActiveChecksAnEjectedBackendReturnsWhenItsEjectionEnds() throws Exception {
    pool.add(Backend.of("b1", "127.0.0.1:1", 1), Health.UP);
    pool.add(Backend.of("b2", "127.0.0.1:2", 1), Health.UP);
    HealthChecker checker = start(HealthCheckSettings.builder().type(HealthCheckSettings.Type.NONE)
        .baseEjectionTime(Duration.ofMillis(200)).build());
    for (int i = 0; i < 5; i++) {
      checker.onFailure("b1", FailureKind.TIMEOUT);
    }
    assertThat(health("b1")).isEqualTo(Health.DOWN);
    await().atMost(Duration.ofSeconds(5)).until(() -> health("b1") == Health.UP);
    assertThat(events).containsExactly("b1 DOWN", "b1 UP");
  }
}
