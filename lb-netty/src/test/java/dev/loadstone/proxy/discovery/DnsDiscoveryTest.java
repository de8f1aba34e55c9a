package dev.loadstone.proxy.discovery;

import static dev.loadstone.proxy.discovery.TestDnsServer.a;
import static dev.loadstone.proxy.discovery.TestDnsServer.aaaa;
import static dev.loadstone.proxy.discovery.TestDnsServer.srv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.lb.AdminState;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import dev.loadstone.proxy.admin.PoolAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery against a real DNS server on loopback (UDP and TCP) whose records each test changes. */
class DnsDiscoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final BackendPool pool = BackendPool.builder().balancer(Balancers.roundRobin()).build();
  private final PoolAdmin admin = new PoolAdmin(pool, Duration.ofSeconds(30), timer);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestDnsServer dns;
  private DnsDiscovery discovery;

  DnsDiscoveryTest() throws InterruptedException {
    dns = new TestDnsServer();
  }

  @AfterEach
  void stop() {
    if (discovery != null) {
      discovery.close();
    }
    dns.close();
    timer.shutdownNow();
  }

  private void start(DnsTarget... targets) {
    discovery = DnsDiscovery.start(admin,
        new DiscoverySettings(List.of(targets), dns.address(), Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(2)),
        registry);
  }

  private String ids() {
    return pool.snapshot().all().stream().map(BackendState::id).sorted().collect(Collectors.joining(" "));
  }

  private double failures(String target, String reason) {
    return registry.get("loadstone.discovery.failures").tags("target", target, "reason", reason).counter().count();
  }

  @Test
  void aAndAaaaAddressesJoinDownOwnedByDnsAndVanishedOnesLeave() {
    dns.set("app.test", a("127.0.0.2", 0), a("127.0.0.3", 0), aaaa("::1", 0));
    start(DnsTarget.address("app.test:8080"));

    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:8080 127.0.0.3:8080 [0:0:0:0:0:0:0:1]:8080"));
    for (BackendState s : pool.snapshot().all()) {
      assertThat(s.health()).as("joins through its health checks").isEqualTo(Health.DOWN);
      assertThat(admin.source(s.id())).isEqualTo(PoolAdmin.Source.DNS);
    }

    dns.set("app.test", a("127.0.0.3", 0), a("127.0.0.4", 0));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.3:8080 127.0.0.4:8080"));
  }

  @Test
  void aVanishedAddressDrainsItsInFlightExchangesBeforeItLeaves() {
    dns.set("app.test", a("127.0.0.2", 0));
    start(DnsTarget.address("app.test:8080"));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:8080"));
    pool.setHealth("127.0.0.2:8080", Health.UP);
    Lease lease = pool.acquire(PickRequest.EMPTY);
    assertThat(lease.isEmpty()).isFalse();

    dns.set("app.test", a("127.0.0.3", 0));
    await().atMost(WAIT).until(() -> pool.snapshot().get("127.0.0.3:8080") != null);
    assertThat(pool.snapshot().get("127.0.0.2:8080").adminState()).as("in flight: draining, still there").isEqualTo(AdminState.DRAINING);

    lease.release();
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.3:8080"));
  }

  @Test
  void theNextLookupWaitsForTheRecordsTtlWithinTheMinAndMaxIntervals() {
    DiscoverySettings s = new DiscoverySettings(List.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5));
    assertThat(s.nextDelay(Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.nextDelay(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.nextDelay(Duration.ofDays(1))).isEqualTo(Duration.ofSeconds(60));

    dns.set("app.test", a("127.0.0.2", 1)); // TTL 1 s, min interval 50 ms
    start(DnsTarget.address("app.test:8080"));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:8080"));
    int before = dns.udpQueries.get();
    dns.set("app.test", a("127.0.0.3", 1));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.3:8080"));
    assertThat(dns.udpQueries.get() - before)
        .as("asked again once the TTL expired, not every 50 ms (that would be about 40 queries)").isBetween(2, 6);
  }

  @Test
  void servfailKeepsTheLastKnownBackendsAndIsCounted() {
    dns.set("app.test", a("127.0.0.2", 0));
    start(DnsTarget.address("app.test:8080"));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:8080"));

    dns.servfail("app.test", true);
    await().atMost(WAIT).until(() -> failures("app.test:8080", "error") >= 3);
    assertThat(ids()).isEqualTo("127.0.0.2:8080");
    assertThat(pool.snapshot().get("127.0.0.2:8080").adminState()).isEqualTo(AdminState.ACTIVE);

    dns.servfail("app.test", false);
    dns.set("app.test", a("127.0.0.4", 0));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.4:8080"));
  }

  @Test
  void anEmptyAnswerOrAnUnknownNameNeverDrainsThePool() {
    dns.set("app.test", a("127.0.0.2", 0));
    start(DnsTarget.address("app.test:8080"));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:8080"));

    dns.set("app.test");
    await().atMost(WAIT).until(() -> failures("app.test:8080", "empty") >= 2);
    assertThat(ids()).isEqualTo("127.0.0.2:8080");
    assertThat(pool.snapshot().get("127.0.0.2:8080").adminState()).isEqualTo(AdminState.ACTIVE);
    assertThat(discovery.known()).containsEntry("app.test:8080", List.of("127.0.0.2:8080"));
  }

  @Test
  void aTruncatedUdpAnswerIsAskedAgainOverTcp() {
    dns.set("app.test", a("127.0.0.2", 0), a("127.0.0.3", 0)).truncateUdp(true);
    start(DnsTarget.address("app.test:8080"));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:8080 127.0.0.3:8080"));
    assertThat(dns.tcpQueries.get()).isPositive();
  }

  @Test
  void srvRecordsGiveThePortAndWeightAndTheNextPriorityServesOnlyWhileNoneOfTheLowestIsAvailable() {
    dns.set("_http._tcp.app.test", srv(10, 5, 9001, "a.test", 0), srv(10, 3000, 9002, "b.test", 0), srv(20, 0, 9003, "c.test", 0));
    dns.set("a.test", a("127.0.0.2", 0));
    dns.set("b.test", a("127.0.0.3", 0));
    dns.set("c.test", a("127.0.0.4", 0));
    start(DnsTarget.srv("_http._tcp.app.test"));

    // at first nothing is UP: the fallback set joins too
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:9001 127.0.0.3:9002 127.0.0.4:9003"));
    assertThat(pool.snapshot().get("127.0.0.2:9001").weight()).isEqualTo(5);
    assertThat(pool.snapshot().get("127.0.0.3:9002").weight()).as("capped at the backend maximum").isEqualTo(1000);
    assertThat(pool.snapshot().get("127.0.0.4:9003").weight()).as("SRV weight 0 is the smallest weight").isEqualTo(1);

    pool.setHealth("127.0.0.2:9001", Health.UP);
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:9001 127.0.0.3:9002"));

    pool.setHealth("127.0.0.2:9001", Health.DOWN);
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:9001 127.0.0.3:9002 127.0.0.4:9003"));

    dns.set("_http._tcp.app.test", srv(10, 7, 9001, "a.test", 0), srv(20, 1, 9003, "c.test", 0));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.2:9001 127.0.0.4:9003"));
    await().atMost(WAIT).until(() -> pool.snapshot().get("127.0.0.2:9001").weight() == 7);
  }

  @Test
  void dnsNeverTakesOverOrRemovesFileOrApiBackendsAndAReloadKeepsDnsOnes() {
    pool.add(Backend.of("file-1", "127.0.0.9:8080", 1), Health.UP);
    PoolAdmin owner = new PoolAdmin(pool, Duration.ofSeconds(30), timer); // file-1 is the configuration's
    owner.add("api-1", "127.0.0.2:8080", 1);
    dns.set("app.test", a("127.0.0.2", 0), a("127.0.0.3", 0), a("127.0.0.9", 0));
    discovery = DnsDiscovery.start(owner,
        new DiscoverySettings(List.of(DnsTarget.address("app.test:8080")), dns.address(), Duration.ofMillis(50),
            Duration.ofSeconds(10), Duration.ofSeconds(2)), registry);

    await().atMost(WAIT).until(() -> ids().equals("127.0.0.3:8080 api-1 file-1"));
    assertThat(owner.source("api-1")).isEqualTo(PoolAdmin.Source.API);
    assertThat(owner.source("127.0.0.3:8080")).isEqualTo(PoolAdmin.Source.DNS);

    PoolAdmin.Diff d = owner.apply(List.of(Backend.of("file-1", "127.0.0.9:8080", 1))); // a reload of the same file
    assertThat(d.removed).isEmpty();
    assertThat(ids()).isEqualTo("127.0.0.3:8080 api-1 file-1");

    dns.set("app.test", a("127.0.0.4", 0));
    await().atMost(WAIT).until(() -> ids().equals("127.0.0.4:8080 api-1 file-1"));
  }

  @Test
  void badTargetsAreRefusedNamingTheValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsTarget.address("app.test"))
        .hasMessage("backend-dns: 'app.test' (expected: NAME:PORT, e.g. app.internal:8080)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsTarget.address("app.test:0"))
        .hasMessage("backend-dns: 'app.test:0' port: '0' (expected: 1..65535)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsTarget.srv("app.test"))
        .hasMessage("backend-srv: 'app.test' (expected: _service._proto.NAME, e.g. _http._tcp.app.internal)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsTarget.address("a..b:80"))
        .hasMessageContaining("label: ''");
    assertThat(DnsTarget.srv("_http._tcp.App.Test.").toString()).isEqualTo("_http._tcp.app.test");
  }
}
