package dev.loadstone.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.redis.RedisSessionStore;
import dev.loadstone.session.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two servlet containers, each with its own Redis store (two nodes behind a balancer), sharing one real
 * redis-server: a login with id change, "log out everywhere" and an expiry, seen through both.
 */
abstract class AbstractTwoNodeSuite {
  static RedisServerProcess redis;
  final List<AutoCloseable> closeables = new ArrayList<>();
  final List<String> eventsA = new CopyOnWriteArrayList<>();
  final List<String> eventsB = new CopyOnWriteArrayList<>();
  SessionStore storeA;
  SessionStore storeB;
  int portA;
  int portB;

  protected abstract ServletContainer newContainer();

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private SessionStore store() {
    return RedisSessionStore.builder().uri(redis.uri())
        .sessions(SessionFactory.builder().codec(Stores.codec()).build())
        .expirySweepInterval(Duration.ofMillis(100))
        .build();
  }

  private int node(SessionStore store, List<String> events) throws Exception {
    ServletContainer container = newContainer();
    closeables.add(container);
    closeables.add(store);
    return container.start(SessionFilter.builder(store).listener(new RecordingListener(events)).build(), Map.of(),
        new CountingServlet());
  }

  @BeforeEach
  void startNodes() throws Exception {
    storeA = store();
    storeB = store();
    portA = node(storeA, eventsA);
    portB = node(storeB, eventsB);
  }

  @AfterEach
  void stopNodes() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Browser on(int port, String cookie) {
    Browser b = new Browser(port, "SESSION");
    b.cookie = cookie;
    return b;
  }

  @Test
  void aLoginChangesTheIdTheOldIdIsRejectedAtOnceOnBothNodesAndTheNewOneWorksOnBoth() throws Exception {
    Browser browser = on(portA, null);
    assertThat(browser.get("/count").body()).startsWith("visits=1 new=true");
    String preLogin = browser.cookie;
    assertThat(browser.get("/login?user=alice").body()).startsWith("user=alice id=");
    String loggedIn = browser.cookie;
    assertThat(loggedIn).isNotEqualTo(preLogin);

    assertThat(on(portA, preLogin).get("/whoami").body()).isEqualTo("none");
    assertThat(on(portB, preLogin).get("/whoami").body()).isEqualTo("none");
    assertThat(on(portB, loggedIn).get("/whoami").body()).isEqualTo("user=alice id=" + loggedIn);
    assertThat(on(portB, loggedIn).get("/count").body()).isEqualTo("visits=2 new=false id=" + loggedIn);
    assertThat(on(portA, loggedIn).get("/count").body()).isEqualTo("visits=3 new=false id=" + loggedIn);
  }

  @Test
  void logOutEverywhereEndsEverySessionOfTheUserOnBothNodes() throws Exception {
    Browser laptop = on(portA, null);
    laptop.get("/login?user=bob");
    Browser phone = on(portB, null);
    phone.get("/login?user=bob");
    Browser other = on(portB, null);
    other.get("/login?user=carol");
    assertThat(on(portB, laptop.cookie).get("/whoami").body()).startsWith("user=bob");

    assertThat(on(portA, phone.cookie).get("/logout-everywhere").body()).isEqualTo("ended=2");
    for (int port : new int[] {portA, portB}) {
      assertThat(on(port, laptop.cookie).get("/whoami").body()).isEqualTo("none");
      assertThat(on(port, phone.cookie).get("/whoami").body()).isEqualTo("none");
      assertThat(on(port, other.cookie).get("/whoami").body()).startsWith("user=carol");
    }
    assertThat(eventsA.stream().filter("destroyed"::equals)).as("reported by the node that ended them").hasSize(2);
  }

  @Test
  void anExpiredSessionIsDestroyedOnceAcrossBothNodes() throws Exception {
    CountingServlet.ExpiryWatch.EVENTS.clear();
    Browser browser = on(portA, null);
    browser.get("/expiring"); // max inactive interval 1 s, and a binding listener in the session
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
        .until(() -> eventsA.contains("destroyed") || eventsB.contains("destroyed"));
    storeA.sweepExpired().toCompletableFuture().join();
    storeB.sweepExpired().toCompletableFuture().join();
    List<String> all = new ArrayList<>(eventsA);
    all.addAll(eventsB);
    assertThat(all.stream().filter("destroyed"::equals)).hasSize(1);
    assertThat(CountingServlet.ExpiryWatch.EVENTS).containsExactly("unbound watch from watch");
    assertThat(on(portB, browser.cookie).get("/whoami").body()).isEqualTo("none");
  }
}
