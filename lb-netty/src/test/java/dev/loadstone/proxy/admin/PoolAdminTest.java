package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.lb.AdminState;
import dev.loadstone.lb.Backend;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.lb.Balancers;
import dev.loadstone.lb.Health;
import dev.loadstone.lb.Lease;
import dev.loadstone.lb.PickRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoolAdminTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final BackendPool pool = BackendPool.builder().balancer(Balancers.roundRobin()).build();
  private final PoolAdmin admin = new PoolAdmin(pool, Duration.ofSeconds(30), timer);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private String state() {
    return pool.snapshot().all().toString() + pool.snapshot().all().stream().map(s -> s.weight()).toList();
  }

  @Test
  void reloadKeepsHealthAndAdminStateOfBackendsItKeeps() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.DOWN);
    pool.add(Backend.of("b2", "127.0.0.1:9002", 1), Health.UP);
    pool.setAdminState("b2", AdminState.MAINTENANCE);
    pool.add(Backend.of("b3", "127.0.0.1:9003", 1), Health.UP);

    PoolAdmin.Diff d = admin.apply(List.of(
        Backend.of("b1", "127.0.0.1:9001", 1), Backend.of("b2", "127.0.0.1:9002", 3), Backend.of("b4", "127.0.0.1:9004", 2)));

    assertThat(d.added).containsExactly("b4");
    assertThat(d.removed).containsExactly("b3");
    assertThat(d.reweighted).containsExactly("b2");
    assertThat(pool.snapshot().get("b1").health()).as("a DOWN backend stays DOWN until it passes").isEqualTo(Health.DOWN);
    assertThat(pool.snapshot().get("b2").adminState()).isEqualTo(AdminState.MAINTENANCE);
    assertThat(pool.snapshot().get("b2").weight()).isEqualTo(3);
    assertThat(pool.snapshot().get("b4").health()).as("new backends wait for their checks").isEqualTo(Health.DOWN);
    assertThat(pool.snapshot().get("b4").weight()).isEqualTo(2);
    assertThat(pool.snapshot().get("b3")).as("idle, so removed at once").isNull();
  }

  @Test
  void aReloadKeepsTheBackendsAndWeightsTheAdminApiSet() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP); // the configuration's
    admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1)));
    admin.add("b3", "127.0.0.1:9003", 1); // an autoscaler's POST
    admin.setWeight("b3", 7);
    admin.setWeight("b1", 5);

    PoolAdmin.Diff d = admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1))); // the file, touched

    assertThat(d.removed).isEmpty();
    assertThat(d.fromApi).containsExactly("b3");
    assertThat(pool.snapshot().get("b3").weight()).isEqualTo(7);
    assertThat(pool.snapshot().get("b1").weight()).as("the file did not change b1's weight").isEqualTo(5);
    assertThat(admin.source("b1")).isEqualTo(PoolAdmin.Source.FILE);
    assertThat(admin.source("b3")).isEqualTo(PoolAdmin.Source.API);

    d = admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 2))); // now the file changes it
    assertThat(d.reweighted).containsExactly("b1");
    assertThat(pool.snapshot().get("b1").weight()).isEqualTo(2);
    assertThat(pool.snapshot().get("b3").weight()).isEqualTo(7);
  }

  @Test
  void aBackendTheFileListsBecomesTheFilesAndGoesWhenTheFileDropsIt() {
    admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1)));
    admin.add("b3", "127.0.0.1:9003", 1);
    admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1), Backend.of("b3", "127.0.0.1:9003", 4)));
    assertThat(admin.source("b3")).isEqualTo(PoolAdmin.Source.FILE);
    assertThat(pool.snapshot().get("b3").weight()).as("listing it is a change of the file").isEqualTo(4);
    assertThat(admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1))).removed).containsExactly("b3");
    assertThat(pool.snapshot().get("b3")).isNull();
  }

  @Test
  void reloadingTheSameListChangesNothing() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 2), Health.UP);
    long version = pool.snapshot().version();
    assertThat(admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 2))).isEmpty()).isTrue();
    assertThat(pool.snapshot().version()).isEqualTo(version);
  }

  @Test
  void invalidReloadsChangeNothing() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("b2", "127.0.0.1:9002", 1), Health.UP);
    String before = state();
    assertThatThrownBy(() -> admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1), Backend.of("b1", "127.0.0.1:9005", 1))))
        .hasMessage("backend id: 'b1' (expected: unique ids; it appears twice)");
    assertThatThrownBy(() -> admin.apply(List.of(Backend.of("b1", "127.0.0.1:9009", 1))))
        .hasMessage("backend 'b1' address: '127.0.0.1:9009' (expected: its current address 127.0.0.1:9001; give a new address a new id)");
    assertThatThrownBy(() -> admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1), Backend.of("b7", "127.0.0.1:9002", 1))))
        .hasMessage("backend 'b7' address: '127.0.0.1:9002' (expected: an address no other backend in the pool has; 'b2' has it)");
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void removeWaitsForInFlightExchangesThenRemoves() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP);
    Lease lease = pool.acquire(PickRequest.EMPTY);
    CompletableFuture<Void> removed = admin.remove("b1");
    assertThat(removed).isNotDone();
    assertThat(admin.isBeingRemoved("b1")).isTrue();
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.DRAINING);
    assertThat(admin.remove("b1")).as("a second remove joins the first").isSameAs(removed);
    lease.release();
    assertThat(removed).isDone();
    assertThat(pool.snapshot().get("b1")).isNull();
    assertThat(admin.isBeingRemoved("b1")).isFalse();
  }

  @Test
  void enablingABackendBeingRemovedCancelsTheRemovalAndKeepsIt() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP);
    Lease lease = pool.acquire(PickRequest.EMPTY);
    CompletableFuture<Void> removed = admin.remove("b1");
    admin.enable("b1");
    assertThat(removed).isCompletedExceptionally();
    assertThat(admin.isBeingRemoved("b1")).isFalse();
    lease.release();
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.ACTIVE);
    assertThat(pool.acquire(PickRequest.EMPTY).backend().id()).isEqualTo("b1");
  }

  @Test
  void aReloadThatListsABackendDrainingForRemovalAgainCancelsTheRemoval() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("b2", "127.0.0.1:9002", 1), Health.UP);
    Lease lease = pool.acquire(PickRequest.EMPTY.excluding("b2"));
    assertThat(admin.apply(List.of(Backend.of("b2", "127.0.0.1:9002", 1))).removed).containsExactly("b1");
    assertThat(admin.isBeingRemoved("b1")).as("busy, so draining").isTrue();

    PoolAdmin.Diff d = admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1), Backend.of("b2", "127.0.0.1:9002", 1)));

    assertThat(d.kept).containsExactly("b1");
    assertThat(d.added).isEmpty();
    assertThat(admin.isBeingRemoved("b1")).isFalse();
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.ACTIVE);
    lease.release(); // the exchange that kept it in the pool ends: it must stay
    assertThat(pool.snapshot().get("b1")).isNotNull();
    assertThat(pool.snapshot().available()).extracting(s -> s.id()).containsExactly("b1", "b2");
    assertThat(d.toString()).isEqualTo("added [], removing [], reweighted [], removal cancelled [b1], kept from the admin API []");
  }

  @Test
  void aCancelledRemovalRestoresTheAdminStateBeforeIt() {
    pool.add(Backend.of("b1", "127.0.0.1:9001", 1), Health.UP);
    pool.add(Backend.of("b2", "127.0.0.1:9002", 1), Health.UP);
    pool.setAdminState("b1", AdminState.MAINTENANCE);
    Lease lease = pool.acquire(PickRequest.EMPTY.excluding("b1"));
    admin.remove("b2");
    admin.apply(List.of(Backend.of("b1", "127.0.0.1:9001", 1), Backend.of("b2", "127.0.0.1:9002", 3)));
    assertThat(pool.snapshot().get("b2").adminState()).isEqualTo(AdminState.ACTIVE);
    assertThat(pool.snapshot().get("b2").weight()).as("and the reload's weight applies").isEqualTo(3);
    assertThat(pool.snapshot().get("b1").adminState()).isEqualTo(AdminState.MAINTENANCE);
    lease.release();
    assertThat(pool.snapshot().get("b2")).isNotNull();
  }

  @Test
  void addedBackendsJoinDown() {
    Backend b = admin.add("b9", "127.0.0.1:9009", 4);
    assertThat(b.weight()).isEqualTo(4);
    assertThat(pool.snapshot().get("b9").health()).isEqualTo(Health.DOWN);
    assertThatThrownBy(() -> admin.add("b8", "127.0.0.1:70000", 1)).hasMessageStartingWith("port: 70000");
    assertThatThrownBy(() -> admin.add("b8", "127.0.0.1:9008", 0)).hasMessage("weight: 0 (expected: 1..1000)");
    assertThat(pool.snapshot().all()).hasSize(1);
  }
}
