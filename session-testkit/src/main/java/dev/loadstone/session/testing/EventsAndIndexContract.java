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

/** The contract's events and principal-index half (see {@link SessionStoreContract}). */
public abstract class EventsAndIndexContract extends StoreContractBase {
  // ---------------------------------------------------------------- events and the principal index

  /** The store as the indexed SPI (every store this contract runs against keeps a principal index). */
  protected IndexedSessionStore indexed() {
    return (IndexedSessionStore) store.async();
  }

  /** A principal name of this test only (stores under test may be shared by the tests of a class). */
  private final String run = Long.toString(System.nanoTime(), 36);

  protected String user(String name) {
    return name + "-" + run;
  }

  private static List<String> ids(List<Session> sessions) {
    return sessions.stream().map(Session::id).toList();
  }

  private List<String> recordExpiries(SessionStore node) {
    List<String> expired = new CopyOnWriteArrayList<>();
    node.addListener(new SessionEventListener() {
      @Override
      public void sessionExpired(Session session) {
        expired.add(session.id() + " user=" + session.getAttribute("user"));
      }
    });
    return expired;
  }

  /** Sweeps until {@code until} holds (an expiry in Redis needs Redis time to pass, bounded here). */
  private void sweepUntil(List<BlockingSessionStore> nodes, java.util.function.BooleanSupplier until) {
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
      for (BlockingSessionStore node : nodes) {
        node.await(node.async().sweepExpired());
      }
      return until.getAsBoolean();
    });
  }

  @Test
  void anExpiredSessionIsReportedOnceWithItsLastStateAndThenLoadsNothing() {
    List<String> expired = recordExpiries(store.async());
    Session s = store.create();
    s.setAttribute("user", "alice");
    s.setIdleTimeout(Duration.ofSeconds(1));
    store.save(s);
    clock.advance(Duration.ofSeconds(2));
    sweepUntil(List.of(store), () -> !expired.isEmpty());
    store.await(store.async().sweepExpired());
    assertThat(expired).containsExactly(s.id() + " user=alice");
    assertThat(store.load(s.id())).isEmpty();
  }

  @Test
  void twoNodesSweepingTheSameStoreReportAnExpiryOnce() {
    List<String> expired = recordExpiries(store.async());
    try (BlockingSessionStore other = BlockingSessionStore.of(newStore(factory))) {
      List<String> expiredElsewhere = recordExpiries(other.async());
      Session s = store.create();
      s.setAttribute("user", "bob");
      s.setIdleTimeout(Duration.ofSeconds(1));
      store.save(s);
      clock.advance(Duration.ofSeconds(2));
      sweepUntil(List.of(store, other), () -> expired.size() + expiredElsewhere.size() > 0);
      store.await(store.async().sweepExpired());
      other.await(other.async().sweepExpired());
      List<String> all = new ArrayList<>(expired);
      all.addAll(expiredElsewhere);
      assertThat(all).containsExactly(s.id() + " user=bob");
    }
  }

  @Test
  void findByPrincipalListsTheSessionsOfAUserAsTheirPrincipalChanges() {
    String principal = PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE;
    Session a = saved(Map.of(principal, user("alice"), "n", 1));
    Session b = saved(Map.of(principal, user("alice")));
    Session c = saved(Map.of(principal, user("bob")));
    saved(Map.of("anonymous", "yes"));
    assertThat(ids(store.await(indexed().findByPrincipal(user("alice"))))).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(ids(store.await(indexed().findByPrincipal(user("bob"))))).containsExactly(c.id());
    assertThat(store.await(indexed().findByPrincipal(user("nobody")))).isEmpty();

    Session r = store.load(b.id()).orElseThrow();
    r.setAttribute(principal, user("carol"));
    store.save(r);
    Session moved = store.changeId(store.load(a.id()).orElseThrow());
    store.save(moved);
    assertThat(ids(store.await(indexed().findByPrincipal(user("alice"))))).containsExactly(moved.id());
    assertThat(ids(store.await(indexed().findByPrincipal(user("carol"))))).containsExactly(b.id());
    Session logout = store.load(c.id()).orElseThrow();
    logout.removeAttribute(principal);
    store.save(logout);
    assertThat(store.await(indexed().findByPrincipal(user("bob")))).isEmpty();
  }

  @Test
  void invalidateAllEndsEverySessionOfTheUserAndReportsEachToTheListeners() {
    String principal = PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE;
    List<String> deleted = new CopyOnWriteArrayList<>();
    store.async().addListener(new SessionEventListener() {
      @Override
      public void sessionDeleted(Session session) {
        deleted.add(session.id());
      }
    });
    Session a = saved(Map.of(principal, user("alice")));
    Session b = saved(Map.of(principal, user("alice")));
    Session other = saved(Map.of(principal, user("bob")));
    assertThat(store.await(indexed().invalidateAll(user("alice")))).isEqualTo(2);
    assertThat(store.load(a.id())).isEmpty();
    assertThat(store.load(b.id())).isEmpty();
    assertThat(store.load(other.id())).isPresent();
    assertThat(deleted).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(store.await(indexed().findByPrincipal(user("alice")))).isEmpty();
    assertThat(store.await(indexed().invalidateAll(user("alice")))).isZero();
  }

  @Test
  void anExpiredSessionLeavesThePrincipalIndex() {
    Session s = store.create();
    s.setAttribute(PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE, user("dora"));
    s.setIdleTimeout(Duration.ofSeconds(1));
    store.save(s);
    List<String> expired = recordExpiries(store.async());
    clock.advance(Duration.ofSeconds(2));
    sweepUntil(List.of(store), () -> !expired.isEmpty());
    assertThat(store.await(indexed().findByPrincipal(user("dora")))).isEmpty();
  }
}
