package dev.loadstone.session.testing;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.IndexedSessionStore;
import dev.loadstone.session.PrincipalResolver;
import dev.loadstone.session.SessionEventListener;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every server-side store (in-memory, Redis standalone, Sentinel and Cluster, with or without a
 * near-cache) must have: merging saves, expiry, the id change that closes the fixation window, undecodable
 * attributes kept for other nodes, expiry events reported once, and the principal index. A store's test class
 * extends this and supplies the store.
 */
public abstract class SessionStoreContract extends EventsAndIndexContract {
  @Test
  void aSavedSessionLoadsWithItsAttributesAndMetadata() {
    Session s = saved(Map.of("user", "alice", "n", 7, "cart", new Cart("alice", List.of("pear"))));
    Session back = store.load(s.id()).orElseThrow();
    assertThat(back.id()).isEqualTo(s.id());
    assertThat(back.isNew()).isFalse();
    assertThat(back.creationTime()).isEqualTo(s.creationTime());
    assertThat(back.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(back.absoluteTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(back.getAttribute("user")).isEqualTo("alice");
    assertThat(back.getAttribute("n")).isEqualTo(7);
    assertThat(back.getAttribute("cart")).isEqualTo(new Cart("alice", List.of("pear")));
    assertThat(back.getAttributeNames()).containsExactlyInAnyOrder("user", "n", "cart");
  }

  @Test
  void anUnsavedSessionIsNotStored() {
    Session s = store.create();
    assertThat(s.isNew()).isTrue();
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void malformedOrUnknownIdsLoadAsAbsent() {
    assertThat(store.load("not a session id")).isEmpty();
    assertThat(store.load("x".repeat(5000))).isEmpty();
    assertThat(store.load(null)).isEmpty();
    assertThat(store.load(factory.ids().next())).isEmpty();
  }

  @Test
  void removedAttributesAreGoneAfterSave() {
    Session s = saved(Map.of("a", "1", "b", "2"));
    Session r = store.load(s.id()).orElseThrow();
    r.removeAttribute("a");
    store.save(r);
    assertThat(store.load(s.id()).orElseThrow().getAttributeNames()).containsExactly("b");
  }

  @Test
  void aMutatedListIsSavedWithoutCallingSetAttributeAgain() {
    Session s = saved(Map.of("items", new ArrayList<>(List.of("a"))));
    Session r = store.load(s.id()).orElseThrow();
    @SuppressWarnings("unchecked")
    List<Object> items = (List<Object>) r.getAttribute("items");
    items.add("b");
    store.save(r);
    assertThat(store.load(s.id()).orElseThrow().getAttribute("items")).isEqualTo(List.of("a", "b"));
  }

  @Test
  void concurrentRequestsChangingDifferentAttributesBothKeepTheirChange() {
    Session s = saved(Map.of("a", "0", "b", "0"));
    Session r1 = store.load(s.id()).orElseThrow();
    Session r2 = store.load(s.id()).orElseThrow();
    r1.setAttribute("a", "1");
    r2.setAttribute("b", "2");
    store.save(r1);
    store.save(r2);
    Session back = store.load(s.id()).orElseThrow();
    assertThat(back.getAttribute("a")).isEqualTo("1");
    assertThat(back.getAttribute("b")).isEqualTo("2");
  }

  @Test
  void concurrentRequestsChangingTheSameAttributeLastWriterWinsForThatAttributeOnly() {
    Session s = saved(Map.of("a", "0", "b", "0"));
    Session r1 = store.load(s.id()).orElseThrow();
    Session r2 = store.load(s.id()).orElseThrow();
    r1.setAttribute("a", "first");
    r1.setAttribute("b", "kept");
    r2.setAttribute("a", "second");
    store.save(r1);
    store.save(r2);
    Session back = store.load(s.id()).orElseThrow();
    assertThat(back.getAttribute("a")).isEqualTo("second");
    assertThat(back.getAttribute("b")).isEqualTo("kept");
  }

  @Test
  void aSaveNeverResurrectsASessionDeletedByAnotherRequest() {
    Session s = saved(Map.of("a", "0"));
    Session r1 = store.load(s.id()).orElseThrow();
    store.delete(s.id());
    r1.setAttribute("b", "late");
    store.save(r1);
    assertThat(store.load(s.id())).isEmpty();
    assertNoTrace(s.id());
  }

  /** Stores with an inspectable backend assert that nothing at all is left under the id. */
  protected void assertNoTrace(String id) {}

  @Test
  void deletingAnAbsentSessionCompletesNormally() {
    store.delete(factory.ids().next());
    store.delete("malformed!");
  }

  @Test
  void idleTimeoutExpiresTheSessionAndEachDueTouchSlidesIt() {
    Session s = saved(Map.of("a", "1"));
    clock.advance(Duration.ofMinutes(20));
    Session r = store.load(s.id()).orElseThrow();
    store.save(r); // 20 min >= 3 min: the touch is due and written
    assertThat(r.lastAccessedTime()).isEqualTo(clock.instant());
    clock.advance(Duration.ofMinutes(29));
    assertThat(store.load(s.id())).isPresent();
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void touchIsWrittenOnlyAfterTheConfiguredShareOfTheIdleTimeout() {
    Session s = saved(Map.of("a", "1"));
    clock.advance(Duration.ofMinutes(2)); // below 3 min (1/10 of 30 min): not written
    Session r = store.load(s.id()).orElseThrow();
    store.save(r);
    assertThat(store.load(s.id()).orElseThrow().lastAccessedTime()).isEqualTo(s.creationTime());
    clock.advance(Duration.ofMinutes(1)); // 3 min since the stored value: written
    Session r2 = store.load(s.id()).orElseThrow();
    store.save(r2);
    assertThat(store.load(s.id()).orElseThrow().lastAccessedTime()).isEqualTo(clock.instant());
  }

  @Test
  void absoluteTimeoutEndsAnActiveSession() {
    Session s = saved(Map.of("a", "1"));
    for (int i = 0; i < 24; i++) { // active every 29 minutes for 11.6 hours
      clock.advance(Duration.ofMinutes(29));
      Session r = store.load(s.id()).orElseThrow();
      store.save(r);
    }
    clock.advance(Duration.ofMinutes(24)); // 12 h after creation
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void aChangedIdleTimeoutIsSaved() {
    Session s = saved(Map.of("a", "1"));
    Session r = store.load(s.id()).orElseThrow();
    r.setIdleTimeout(Duration.ofMinutes(5));
    store.save(r);
    assertThat(store.load(s.id()).orElseThrow().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(5));
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void deletingWithTheOldIdDuringTheGracePeriodDeletesTheMovedSessionToo() {
    Session s = saved(Map.of("a", "1"));
    Session parallel = store.load(s.id()).orElseThrow();
    Session moved = store.changeId(store.load(s.id()).orElseThrow());
    store.delete(parallel.id()); // a parallel request logs out with the id it loaded
    assertThat(store.load(moved.id())).isEmpty();
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void anAttributeThatNoLongerDecodesIsDroppedAndCountedAndTheRestLoads() {
    Session s = saved(Map.of("good", "yes", "cart", new Cart("a", List.of())));
    byte[] otherDeploy = JsonSessionCodec.builder().register("cart-v2", Cart.class).build().encode(new Cart("a", List.of()));
    writeRawAttribute(s.id(), "cart", otherDeploy);
    Optional<Session> loaded = store.load(s.id());
    Session r = loaded.orElseThrow();
    assertThat(r.getAttribute("good")).isEqualTo("yes");
    assertThat(r.getAttribute("cart")).isNull();
    assertThat(r.getAttributeNames()).containsExactly("good");
    assertThat(meters.get(SessionFactory.UNDECODABLE_METRIC).counter().count()).isEqualTo(1.0);
    store.save(r); // nothing changed: nothing written, the undecodable bytes stay for the nodes that read them
    Session again = store.load(s.id()).orElseThrow();
    assertThat(again.getAttributeNames()).containsExactly("good");
    assertThat(meters.get(SessionFactory.UNDECODABLE_METRIC).counter().count()).isEqualTo(2.0);
  }

  // ---------------------------------------------------------------- id change (session fixation)

  @Test
  void theOldIdLoadsNoSessionRightAfterChangeId() {
    Session s = saved(Map.of("user", "anonymous"));
    Session login = store.load(s.id()).orElseThrow();
    login.setAttribute("user", "alice");
    Session moved = store.changeId(login);
    store.save(moved);
    // the attacker planted s.id() before the login and presents it at +0 s
    assertThat(store.load(s.id())).isEmpty();
    assertThat(store.load(moved.id()).orElseThrow().getAttribute("user")).isEqualTo("alice");
  }

  @Test
  void aRequestThatLoadedBeforeTheIdChangeKeepsWorkingButIsNeverHandedTheNewId() {
    Session s = saved(Map.of("a", "1"));
    Session inFlight = store.load(s.id()).orElseThrow(); // the legitimate client's parallel request
    Session login = store.load(s.id()).orElseThrow();
    Session moved = store.changeId(login);
    store.save(moved);
    inFlight.setAttribute("c", "3");
    String handle = store.save(inFlight);
    assertThat(handle).isNotEqualTo(moved.id());
    assertThat(store.load(moved.id()).orElseThrow().getAttribute("c")).isEqualTo("3");
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void aReadOnlyRequestNeverWritesBackAValueItOnlyRead() {
    Session s = saved(Map.of("price", new java.math.BigDecimal("12345678901234567890.123456789"), "n", 5L));
    Session reader = store.load(s.id()).orElseThrow();
    reader.getAttribute("price");
    reader.getAttribute("n");
    Session writer = store.load(s.id()).orElseThrow();
    writer.setAttribute("price", new java.math.BigDecimal("1.50"));
    writer.setAttribute("n", 6L);
    store.save(writer);
    store.save(reader); // changed nothing: must not write its stale copy over the writer's
    Session back = store.load(s.id()).orElseThrow();
    assertThat(back.getAttribute("price")).isEqualTo(new java.math.BigDecimal("1.50"));
    assertThat(back.getAttribute("n")).isEqualTo(6L);
  }

  @Test
  void anAttributeThatNoLongerDecodesIsDroppedLocallyButKeptInTheStoreForNodesThatStillReadIt() {
    Session s = saved(Map.of("good", "yes", "cart", new Cart("a", List.of())));
    JsonSessionCodec otherDeploy = JsonSessionCodec.builder().register("cart-v2", Cart.class).build();
    writeRawAttribute(s.id(), "cart", otherDeploy.encode(new Cart("b", List.of("pear"))));
    Session r = store.load(s.id()).orElseThrow();
    assertThat(r.getAttribute("cart")).isNull();
    r.setAttribute("good", "still");
    store.save(r);
    assertThat(readRawAttribute(s.id(), "cart")).isEqualTo(otherDeploy.encode(new Cart("b", List.of("pear"))));
    assertThat(store.load(s.id()).orElseThrow().getAttribute("good")).isEqualTo("still");
  }
}
