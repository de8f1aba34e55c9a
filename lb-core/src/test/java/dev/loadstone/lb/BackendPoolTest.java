package dev.loadstone.lb;

import static dev.loadstone.lb.TestSupport.backends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BackendPoolTest {
  private final TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();

  private BackendPool newPool() {
    return BackendPool.builder().ticker(ticker).balancer(Balancers.roundRobin()).build();
  }

  @Test
  void everyChangePublishesTheNextVersionAndTellsListenersExactlyOnceInOrder() {
    BackendPool pool = newPool();
    List<long[]> seen = new ArrayList<>();
    pool.addListener((prev, cur) -> seen.add(new long[] {prev.version(), cur.version()}));
    long v0 = pool.snapshot().version();
    pool.addAll(backends(1, 1), Health.UP);
    pool.add(Backend.of("c", "10.0.0.3:8080", 2), Health.DOWN);
    pool.setHealth("c", Health.UP);
    pool.setHealth("c", Health.UP); // no change: no version
    pool.drain("a", Duration.ofSeconds(5));
    pool.drain("a", Duration.ofSeconds(9)); // already draining: no change
    pool.setAdminState("a", AdminState.ACTIVE);
    pool.setWeight("b", 4);
    pool.setWeight("b", 4);
    pool.setAdminState("b", AdminState.MAINTENANCE);
    assertThat(pool.remove("c")).isTrue();
    assertThat(pool.remove("c")).isFalse();
    assertThat(seen).hasSize(8);
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i)).containsExactly(v0 + i, v0 + i + 1);
    }
    assertThat(pool.snapshot().version()).isEqualTo(v0 + 8);
    assertThat(pool.snapshot().get("b").weight()).isEqualTo(4);
    assertThat(pool.snapshot().get("b").adminState()).isEqualTo(AdminState.MAINTENANCE);
    assertThat(pool.snapshot().get("c")).isNull();
  }

  @Test
  void aListenerSeesTheExactSnapshotsOfItsChange() {
    BackendPool pool = newPool();
    pool.addAll(backends(1, 1), Health.UP);
    List<String> seen = new ArrayList<>();
    pool.addListener((prev, cur) -> seen.add(prev.get("a").health() + "->" + cur.get("a").health()));
    PoolListener failing = (prev, cur) -> {
      throw new IllegalStateException("listener bug");
    };
    pool.addListener(failing);
    pool.setHealth("a", Health.DOWN);
    pool.setHealth("a", Health.UP);
    assertThat(seen).containsExactly("UP->DOWN", "DOWN->UP");
    pool.removeListener(failing);
    assertThat(pool.snapshot().get("a").isAvailable()).isTrue();
  }

  @Test
  void aListenerThatChangesThePoolSeesItsOwnChangeAfterTheCurrentOne() {
    BackendPool pool = newPool();
    pool.addAll(backends(1, 1), Health.UP);
    List<Long> versions = new ArrayList<>();
    pool.addListener((prev, cur) -> {
      versions.add(cur.version());
      if (cur.get("a").health() == Health.DOWN) {
        pool.setHealth("a", Health.UP);
      }
    });
    long v = pool.snapshot().version();
    pool.setHealth("a", Health.DOWN);
    assertThat(versions).containsExactly(v + 1, v + 2);
    assertThat(pool.snapshot().get("a").health()).isEqualTo(Health.UP);
  }

  @Test
  void removeWhenIdleRemovesABusyBackendWhenItsLastLeaseIsReleased() {
    BackendPool pool = newPool();
    pool.addAll(backends(1, 1), Health.UP);
    Lease first = pool.acquire(PickRequest.EMPTY.excluding("b"));
    Lease second = pool.acquire(PickRequest.EMPTY.excluding("b"));
    CompletableFuture<Void> removed = pool.removeWhenIdle("a", Duration.ofSeconds(30));
    assertThat(removed).isNotDone();
    assertThat(pool.snapshot().get("a").adminState()).isEqualTo(AdminState.DRAINING);
    assertThat(pool.snapshot().get("a").drainDeadlineNanos()).isEqualTo(ticker.read() + Duration.ofSeconds(30).toNanos());
    assertThat(pool.acquire(PickRequest.EMPTY).backend().id()).isEqualTo("b");
    first.release();
    first.release(); // idempotent: does not count twice
    assertThat(removed).isNotDone();
    assertThat(pool.snapshot().get("a").inFlight()).isEqualTo(1);
    second.close();
    assertThat(removed).isCompleted();
    assertThat(pool.snapshot().get("a")).isNull();
    assertThat(second.state().inFlight()).isZero();
  }

  @Test
  void enablingABackendWithAPendingRemoveWhenIdleCancelsTheRemovalAndKeepsIt() {
    BackendPool pool = newPool();
    pool.addAll(backends(1, 1), Health.UP);
    Lease lease = pool.acquire(PickRequest.EMPTY.excluding("b"));
    CompletableFuture<Void> removal = pool.removeWhenIdle("a", Duration.ofSeconds(30));
    long drainingVersion = pool.snapshot().version();

    pool.setAdminState("a", AdminState.ACTIVE);

    assertThat(removal).isCancelled();
    assertThatThrownBy(removal::join)
        .isInstanceOf(CancellationException.class)
        .hasMessage("removal of backend 'a' cancelled: adminState set to ACTIVE");
    assertThat(pool.snapshot().version()).isEqualTo(drainingVersion + 1);
    assertThat(pool.snapshot().get("a").adminState()).isEqualTo(AdminState.ACTIVE);
    lease.release(); // the last lease no longer removes it
    assertThat(pool.snapshot().get("a").inFlight()).isZero();
    assertThat(pool.snapshot().available()).extracting(BackendState::id).containsExactly("a", "b");
    // A later removeWhenIdle is a fresh removal with its own future.
    CompletableFuture<Void> again = pool.removeWhenIdle("a", Duration.ZERO);
    assertThat(again).isNotSameAs(removal).isCompleted();
    assertThat(pool.snapshot().get("a")).isNull();
  }

  @Test
  void puttingABackendWithAPendingRemoveWhenIdleInMaintenanceAlsoCancelsTheRemoval() {
    BackendPool pool = newPool();
    pool.addAll(backends(1), Health.UP);
    Lease lease = pool.acquire(PickRequest.EMPTY);
    CompletableFuture<Void> removal = pool.removeWhenIdle("a", Duration.ofSeconds(30));
    pool.setAdminState("a", AdminState.MAINTENANCE);
    assertThat(removal).isCancelled();
    lease.release();
    assertThat(pool.snapshot().get("a").adminState()).isEqualTo(AdminState.MAINTENANCE);
    assertThat(pool.snapshot().get("a").inFlight()).isZero();
  }

  @Test
  void removeWhenIdleRemovesAnIdleBackendAtOnce() {
    BackendPool pool = newPool();
    pool.addAll(backends(1, 1), Health.UP);
    CompletableFuture<Void> removed = pool.removeWhenIdle("a", Duration.ZERO);
    assertThat(removed).isCompleted();
    assertThat(pool.snapshot().all()).extracting(BackendState::id).containsExactly("b");
  }

  @Test
  void removingABackendCompletesAPendingRemoveWhenIdleAndItsLeasesStillRelease() {
    BackendPool pool = newPool();
    pool.addAll(backends(1), Health.UP);
    Lease lease = pool.acquire(PickRequest.EMPTY);
    CompletableFuture<Void> removed = pool.removeWhenIdle("a", Duration.ofSeconds(1));
    assertThat(pool.removeWhenIdle("a", Duration.ofSeconds(5))).isSameAs(removed);
    assertThat(pool.remove("a")).isTrue();
    assertThat(removed).isCompleted();
    lease.release();
    assertThat(lease.state().inFlight()).isZero();
  }

  @Test
  void aLeaseOnABackendRemovedAndReaddedUnderTheSameIdDoesNotTouchTheNewOne() {
    BackendPool pool = newPool();
    pool.addAll(backends(1), Health.UP);
    Lease old = pool.acquire(PickRequest.EMPTY);
    pool.remove("a");
    pool.add(Backend.of("a", "10.0.0.1:8080", 1), Health.UP);
    Lease fresh = pool.acquire(PickRequest.EMPTY);
    CompletableFuture<Void> removal = pool.removeWhenIdle("a", Duration.ofSeconds(1));
    old.release();
    assertThat(removal).isNotDone(); // the re-added backend still holds "fresh"
    assertThat(pool.snapshot().get("a").inFlight()).isEqualTo(1);
    fresh.release();
    assertThat(removal).isCompleted();
  }

  @Test
  void badInputFailsFastNamingTheValueAndLeavesThePoolAsItWas() {
    BackendPool pool = newPool();
    pool.addAll(backends(1, 1), Health.UP);
    long v = pool.snapshot().version();
    assertThatThrownBy(() -> pool.add(Backend.of("a", "10.9.9.9:1", 1), Health.UP))
        .hasMessage("backend id: 'a' (expected: an id not already in the pool)");
    assertThatThrownBy(() -> pool.add(Backend.of("z", "10.0.0.1:8080", 1), Health.UP))
        .hasMessage("address: '10.0.0.1:8080' (expected: an address not already in the pool; backend 'a' has it)");
    assertThatThrownBy(() -> pool.addAll(List.of(Backend.of("x", "10.1.0.1:1", 1), Backend.of("x", "10.1.0.2:1", 1)), Health.UP))
        .hasMessage("backend id: 'x' (expected: unique ids; it appears twice)");
    assertThatThrownBy(() -> pool.addAll(List.of(Backend.of("x", "10.1.0.1:1", 1), Backend.of("y", "10.1.0.1:1", 1)), Health.UP))
        .hasMessage("address: '10.1.0.1:1' (expected: unique addresses; backends 'x' and 'y' both have it)");
    assertThatThrownBy(() -> pool.addAll(List.of(Backend.of("x", "10.1.0.1:1", 1), Backend.of("b", "10.1.0.2:1", 1)), Health.UP))
        .hasMessage("backend id: 'b' (expected: an id not already in the pool)");
    assertThatThrownBy(() -> pool.setWeight("a", 0)).hasMessage("weight: 0 (expected: 1..1000)");
    assertThatThrownBy(() -> pool.setWeight("nope", 2)).hasMessage("backend id: 'nope' (expected: a backend in the pool)");
    assertThatThrownBy(() -> pool.drain("a", Duration.ofSeconds(-1))).hasMessage("drain deadline: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> pool.removeWhenIdle("a", null)).hasMessage("drain deadline: null (expected: >= 0)");
    assertThatThrownBy(() -> pool.setAdminState("a", AdminState.DRAINING))
        .hasMessage("adminState: DRAINING (expected: ACTIVE or MAINTENANCE; use drain(id, timeout))");
    assertThat(pool.snapshot().version()).isEqualTo(v);
    assertThat(pool.snapshot().all()).extracting(BackendState::id).containsExactly("a", "b");
    assertThat(pool.snapshot().get("a").adminState()).isEqualTo(AdminState.ACTIVE);
  }

  @Test
  void builderOptionsAreCheckedAndMaySetOnlyOnce() {
    assertThatThrownBy(() -> BackendPool.builder().build())
        .hasMessage("balancer: not set (expected: e.g. Balancers.roundRobin())");
    assertThatThrownBy(() -> BackendPool.builder().ticker(ticker).ticker(ticker)).hasMessage("ticker was already set");
    assertThatThrownBy(() -> BackendPool.builder().balancer(Balancers.random()).balancer(Balancers.random()))
        .hasMessage("balancer was already set");
    assertThatThrownBy(() -> BackendPool.builder().slowStart(Duration.ofSeconds(1), 0))
        .hasMessage("slowStart floor: 0.0 (expected: 0 < floor <= 1)");
    assertThatThrownBy(() -> BackendPool.builder().slowStart(Duration.ofSeconds(-1), 0.5))
        .hasMessage("slowStart window: PT-1S (expected: >= 0)");
  }

  @Test
  void backendsRejectBadWeightsIdsAndAddresses() {
    assertThatThrownBy(() -> Backend.of("a", "h:1", -1)).hasMessage("weight: -1 (expected: 1..1000)");
    assertThatThrownBy(() -> Backend.of("a", "h:1", 1001)).hasMessage("weight: 1001 (expected: 1..1000)");
    assertThatThrownBy(() -> Backend.of(" ", "h:1", 1)).hasMessage("backend id: ' ' (expected: a non-blank string)");
    assertThatThrownBy(() -> Backend.of("a b", "h:1", 1)).hasMessageStartingWith("backend id: 'a b' (expected: printable ASCII");
    assertThatThrownBy(() -> Backend.of("host")).hasMessage("address: 'host' (expected: host:port)");
    assertThatThrownBy(() -> Backend.of("host:0")).hasMessage("port: 0 in address 'host:0' (expected: 1..65535)");
    assertThatThrownBy(() -> Backend.of("host:+80")).hasMessage("port: '+80' in address 'host:+80' (expected: 1..65535)");
    assertThatThrownBy(() -> Backend.of("[abc]:80")).hasMessage("address: '[abc]:80' (expected: an IPv6 literal inside [ ])");
    assertThat(Backend.of("[::1]:8080").address()).isEqualTo("[::1]:8080");
    assertThat(Backend.of("[::1]:8080").id()).isEqualTo("[::1]:8080");
    assertThat(Backend.of("b1", "example.org:443", 7).toString()).isEqualTo("b1(example.org:443, weight=7)");
  }
}
