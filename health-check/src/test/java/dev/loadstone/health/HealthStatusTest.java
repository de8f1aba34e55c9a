package dev.loadstone.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Why a backend has its health, since when and until when (issue 14, defect 6: an ejection said nothing). */
class HealthStatusTest {
  private final FakeTicker ticker = new FakeTicker();
  private final BackendPool pool = BackendPool.builder().ticker(ticker).balancer(Balancers.roundRobin()).build();

  private HealthStateMachine machine(HealthCheckSettings settings, String... ids) {
    HealthStateMachine m = new HealthStateMachine(pool, settings, ticker, HealthObserver.none());
    int port = 9001;
    for (String id : ids) {
      pool.add(Backend.of(id, "127.0.0.1:" + port++, 1), Health.UP);
      m.track(id, Health.UP);
    }
    return m;
  }

  private static CheckResult pass() {
    return CheckResult.pass("status 200", Duration.ofMillis(1), Instant.EPOCH);
  }

  private static void eject(HealthStateMachine m, String id) {
    for (int i = 0; i < 5; i++) {
      m.onFailure(id, FailureKind.STATUS_5XX);
    }
  }

  @Test
  void anEjectedBackendSaysWhyAndUntilWhenAlthoughItsLastCheckPassed() {
    HealthStateMachine m = machine(HealthCheckSettings.defaults(), "b1", "b2");
    long start = ticker.read();
    m.onCheck("b1", pass());
    assertThat(m.status("b1").reason()).isEqualTo("joined UP");
    ticker.advance(Duration.ofSeconds(3));
    eject(m, "b1");
    HealthStateMachine.Status s = m.status("b1");
    assertThat(s.health()).isEqualTo(Health.DOWN);
    assertThat(s.reason()).isEqualTo("after 5 consecutive failed exchanges (last: 5xx response): ejected for 30s");
    assertThat(s.ejected()).isTrue();
    assertThat(s.sinceNanos()).isEqualTo(start + Duration.ofSeconds(3).toNanos());
    assertThat(s.ejectedUntilNanos()).isEqualTo(s.sinceNanos() + Duration.ofSeconds(30).toNanos());
    assertThat(m.lastCheck("b1").passed()).as("the check passed: only the status says why it is DOWN").isTrue();
    ticker.advance(Duration.ofSeconds(30));
    m.onCheck("b1", pass());
    assertThat(m.status("b1").reason()).isEqualTo("after its ejection ended and a check passed: status 200");
    assertThat(m.status("b1").ejected()).isFalse();
  }

  @Test
  void aCheckerReportsTheStatusInWallClockTime() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("b2", "127.0.0.1:9002", 1), Health.UP);
    java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), java.time.ZoneOffset.UTC);
    io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
        io.netty.channel.nio.NioIoHandler.newFactory());
    HealthChecker checker = HealthChecker.builder(pool, group)
        .settings(HealthCheckSettings.builder().type(HealthCheckSettings.Type.NONE).build()).ticker(ticker).clock(clock).build();
    checker.start();
    ticker.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 5; i++) {
      checker.onFailure("b1", FailureKind.CONNECT);
    }
    HealthStatus s = checker.status("b1").orElseThrow();
    assertThat(s.health()).isEqualTo(Health.DOWN);
    assertThat(s.since()).isEqualTo(clock.instant());
    assertThat(s.ejectedUntil()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(s.reason()).startsWith("after 5 consecutive failed exchanges (last: connect failure)");
    assertThat(checker.status("b2").orElseThrow().ejected()).isFalse();
    assertThat(checker.status("nope")).isEmpty();
    checker.close();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
