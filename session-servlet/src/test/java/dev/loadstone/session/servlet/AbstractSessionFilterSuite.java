package dev.loadstone.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The filter's behaviour in a real servlet container with the counting sample servlet. Each subclass picks
 * a container (Jetty 12 ee10, Tomcat 11) and a store (in-memory, token, Redis); the assertions are the same.
 */
abstract class AbstractSessionFilterSuite {
  static final String COOKIE_ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Lax";

  protected final List<AutoCloseable> resources = new ArrayList<>();
  /** The stores' clock: session expiry is tested by moving it, never by waiting. */
  protected final MutableClock clock = MutableClock.startingNow();
  ServletContainer container;
  SessionStore store;
  CountingServlet servlet;
  List<String> events;
  Browser browser;
  int port;

  protected abstract ServletContainer newContainer();

  /** A fresh store for one test; anything else it starts goes into {@link #resources}. */
  protected abstract SessionStore newStore() throws Exception;

  @BeforeEach
  void start() throws Exception {
    store = newStore();
    servlet = new CountingServlet();
    events = new CopyOnWriteArrayList<>();
    SessionFilter filter = SessionFilter.builder(store).listener(new RecordingListener(events)).build();
    container = newContainer();
    port = container.start(filter, Map.of(), servlet);
    browser = new Browser(port, "SESSION");
  }

  @AfterEach
  void stop() throws Exception {
    container.close();
    store.close();
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  @Test
  void aFirstVisitStartsASessionAndSetsItsCookie() throws Exception {
    Browser.Reply reply = browser.get("/count");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).startsWith("visits=1 new=true id=");
    assertThat(reply.setCookie()).matches("SESSION=[A-Za-z0-9_.-]{22,}" + java.util.regex.Pattern.quote(
        COOKIE_ATTRIBUTES));
  }

  @Test
  void visitsAreCountedInTheSessionAndOnlyTheFirstIsNew() throws Exception {
    String id = idOf(browser.get("/count").body());
    for (int i = 2; i <= 5; i++) {
      Browser.Reply reply = browser.get("/count");
      assertThat(reply.body()).isEqualTo("visits=" + i + " new=false id=" + id);
    }
  }

  @Test
  void aRequestThatDoesNotChangeTheSessionSetsNoCookie() throws Exception {
    Browser.Reply none = browser.get("/peek");
    assertThat(none.body()).isEqualTo("none");
    assertThat(none.setCookies()).isEmpty();

    String id = idOf(browser.get("/count").body());
    String cookie = browser.cookie;
    Browser.Reply peek = browser.get("/peek");
    assertThat(peek.body()).isEqualTo("visits=1 id=" + id + " requested=" + id + " valid=true");
    assertThat(peek.setCookies()).isEmpty();
    assertThat(browser.cookie).isEqualTo(cookie);
  }

  @Test
  void changeSessionIdMovesTheSessionToANewIdAndCookie() throws Exception {
    browser.get("/count");
    String oldId = idOf(browser.get("/count").body());
    String oldCookie = browser.cookie;
    Browser.Reply rotated = browser.get("/rotate");
    String newId = rotated.body().split(" after=")[1].split(" ")[0];
    assertThat(rotated.body()).isEqualTo("before=" + oldId + " after=" + newId + " id=" + newId + " visits=2");
    assertThat(newId).isNotEqualTo(oldId);
    assertThat(rotated.setCookie()).startsWith("SESSION=").endsWith(COOKIE_ATTRIBUTES);
    assertThat(browser.cookie).isNotEqualTo(oldCookie);
    assertThat(browser.get("/count").body()).isEqualTo("visits=3 new=false id=" + newId);
    assertThat(events).contains("id changed");
  }

  @Test
  void changeSessionIdWithoutASessionIsAnIllegalState() throws Exception {
    assertThat(browser.get("/rotate-without-session").body()).isEqualTo("IllegalStateException");
  }

  @Test
  void invalidateEndsTheSessionClearsTheCookieAndTheOldCookieNoLongerWorks() throws Exception {
    browser.get("/count");
    browser.get("/count");
    String oldCookie = browser.cookie;
    Browser.Reply reply = browser.get("/invalidate");
    assertThat(reply.body()).isEqualTo("invalidated; afterwards getAttribute: IllegalStateException; "
        + "getSession(false): null");
    assertThat(reply.setCookie()).startsWith("SESSION=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    assertThat(browser.cookie).isNull();

    browser.cookie = oldCookie; // a copy kept by someone else
    Browser.Reply replay = browser.get("/peek");
    assertThat(replay.body()).isEqualTo("none");
    assertThat(browser.get("/count").body()).startsWith("visits=1 new=true");
  }

  @Test
  void invalidateThenGetSessionStartsAFreshSessionWithItsOwnCookie() throws Exception {
    String oldId = idOf(browser.get("/count").body());
    Browser.Reply reply = browser.get("/invalidate-and-restart");
    assertThat(reply.body()).isEqualTo("new=true visits=100");
    assertThat(reply.setCookie()).startsWith("SESSION=").doesNotContain("Max-Age=0");
    String body = browser.get("/count").body();
    assertThat(body).startsWith("visits=101 new=false");
    assertThat(idOf(body)).isNotEqualTo(oldId);
  }

  @Test
  void theMaxInactiveIntervalIsKeptAndAnIdleSessionEnds() throws Exception {
    assertThat(browser.get("/interval").body()).isEqualTo("interval=1800");
    assertThat(browser.get("/interval?set=600").body()).isEqualTo("interval=600");
    assertThat(browser.get("/interval").body()).isEqualTo("interval=600");
    clock.advance(Duration.ofSeconds(590));
    assertThat(browser.get("/peek").body()).startsWith("visits=3 ");
    assertThat(browser.get("/interval?set=60").body()).isEqualTo("interval=60");
    clock.advance(Duration.ofSeconds(59));
    assertThat(browser.get("/peek").body()).startsWith("visits=4 ");
    String cookie = browser.cookie;
    clock.advance(Duration.ofSeconds(61));
    browser.cookie = cookie;
    assertThat(browser.get("/peek").body()).isEqualTo("none");
  }

  @Test
  void creationAndLastAccessTimesAreThoseOfTheSession() throws Exception {
    long t0 = clock.millis();
    assertThat(browser.get("/times").body()).isEqualTo("created=" + t0 + " last=" + t0);
    clock.advance(Duration.ofSeconds(5));
    assertThat(browser.get("/times").body()).isEqualTo("created=" + t0 + " last=" + t0);
    clock.advance(Duration.ofSeconds(5));
    String third = browser.get("/times").body();
    assertThat(third).startsWith("created=" + t0 + " last=");
    // the previous access, or an earlier one when the store throttles last-access writes
    assertThat(Long.parseLong(third.split("last=")[1])).isBetween(t0, t0 + 5_000);
  }

  @Test
  void sessionListenersSeeCreationAttributeChangesIdChangesAndInvalidation() throws Exception {
    browser.get("/count");
    browser.get("/count");
    browser.get("/attributes");
    browser.get("/rotate");
    browser.get("/invalidate");
    assertThat(events).containsExactly(
        "created",
        "added visits=1",
        "replaced visits=1",
        "added color=red",
        "replaced color=red",
        "removed color=blue",
        "added kept=yes",
        "id changed",
        "destroyed",
        // invalidation unbinds every attribute (in no defined order)
        events.get(9), events.get(10));
    assertThat(events.subList(9, 11)).containsExactlyInAnyOrder("removed visits=2", "removed kept=yes");
  }

  @Test
  void bindingListenersAreToldWhenTheirValueIsBoundAndUnbound() throws Exception {
    browser.get("/bind");
    assertThat(servlet.bindingEvents).containsExactly(
        "bound first as listener",
        "bound second as listener",
        "unbound first from listener",
        "unbound second from listener");
  }

  @Test
  void aLargeStreamedBodyStillGetsItsCookie() throws Exception {
    Browser.Reply reply = browser.get("/large-stream?kib=256");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).startsWith("visits=1 ");
    assertThat(reply.body().length()).isGreaterThan(250_000);
    assertThat(reply.setCookie()).startsWith("SESSION=");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }

  @Test
  void aLargeWriterBodyStillGetsItsCookie() throws Exception {
    Browser.Reply reply = browser.get("/large-writer?kib=200");
    assertThat(reply.body()).startsWith("visits=1 ");
    assertThat(reply.setCookie()).startsWith("SESSION=");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }

  @Test
  void flushBufferStillGetsItsCookie() throws Exception {
    Browser.Reply reply = browser.get("/flush");
    assertThat(reply.body()).isEqualTo("visits=1 after-flush");
    assertThat(reply.setCookie()).startsWith("SESSION=");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }

  @Test
  void aBodyOfDeclaredLengthStillGetsItsCookie() throws Exception {
    Browser.Reply reply = browser.get("/content-length");
    assertThat(reply.body()).isEqualTo("visits=1");
    assertThat(reply.setCookie()).startsWith("SESSION=");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }

  @Test
  void redirectsAndErrorsStillGetTheirCookie() throws Exception {
    Browser.Reply redirect = browser.get("/redirect");
    assertThat(redirect.status()).isEqualTo(302);
    assertThat(redirect.location()).endsWith("/count");
    assertThat(redirect.setCookie()).startsWith("SESSION=");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");

    Browser other = new Browser(port, "SESSION");
    Browser.Reply error = other.get("/error");
    assertThat(error.status()).isEqualTo(409);
    assertThat(error.setCookie()).startsWith("SESSION=");
    assertThat(other.get("/count").body()).startsWith("visits=2 new=false");
  }


  @Test
  void thePreLoginIdGetsNoSessionRightAfterLogin() throws Exception {
    Browser attacker = new Browser(port, "SESSION");
    attacker.get("/count"); // the attacker's own session, whose id it plants in the victim's browser
    String planted = attacker.cookie;
    Browser victim = new Browser(port, "SESSION");
    victim.cookie = planted;
    Browser.Reply login = victim.get("/login?user=alice");
    assertThat(login.body()).startsWith("user=alice id=");
    assertThat(victim.cookie).isNotEqualTo(planted);
    Browser.Reply stolen = attacker.get("/whoami"); // at +0 s
    assertThat(stolen.body()).isEqualTo("none");
    assertThat(stolen.setCookies()).noneMatch(c -> c.contains(victim.cookie));
    assertThat(victim.get("/whoami").body()).startsWith("user=alice id=");
  }

  @Test
  void afterChangeSessionIdTheRequestedIdIsStillThePresentedOneAndNoLongerValid() throws Exception {
    String id = idOf(browser.get("/count").body());
    Browser.Reply reply = browser.get("/rotate-requested");
    String newId = reply.body().split(" id=")[1];
    assertThat(newId).isNotEqualTo(id);
    assertThat(reply.body()).isEqualTo("before=" + id + " requested=" + id + " valid=false id=" + newId);
  }

  @Test
  void aMaxInactiveIntervalOfZeroMeansNeverAndReadsBackAsZero() throws Exception {
    assertThat(browser.get("/interval?set=0").body()).isEqualTo("interval=0");
    assertThat(browser.get("/interval").body()).isEqualTo("interval=0");
    clock.advance(Duration.ofHours(11));
    assertThat(browser.get("/peek").body()).startsWith("visits=2 ");
  }

  @Test
  void everyFormOfSendRedirectStillGetsItsCookie() throws Exception {
    for (String form : List.of("int", "boolean", "int-boolean")) {
      Browser b = new Browser(port, "SESSION");
      Browser.Reply redirect = b.get("/redirect-status?form=" + form);
      assertThat(redirect.status()).as(form).isEqualTo(form.equals("int") ? 303 : form.equals("boolean") ? 302 : 307);
      assertThat(redirect.location()).as(form).endsWith("/count");
      assertThat(redirect.setCookie()).as(form).startsWith("SESSION=");
      assertThat(b.get("/count").body()).as(form).startsWith("visits=2 new=false");
    }
  }

  @Test
  void theErrorPageSeesTheSameSessionAndTheContainerCreatesNoSessionOfItsOwn() throws Exception {
    String id = idOf(browser.get("/count").body());
    Browser.Reply error = browser.get("/throw");
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.body()).isEqualTo("error-page visits=2 id=" + id);
    assertThat(error.allSetCookies()).noneMatch(c -> c.startsWith("JSESSIONID"));
    assertThat(browser.get("/count").body()).isEqualTo("visits=3 new=false id=" + id);
  }

  @Test
  void aForwardedAndAnIncludedPageSeeTheRequestsSessionAndTheirChangesAreSavedOnce() throws Exception {
    String id = idOf(browser.get("/count").body());
    Browser.Reply forward = browser.get("/forward");
    assertThat(forward.body()).isEqualTo("forwarded visits=2 id=" + id + " dispatch=FORWARD");
    Browser.Reply include = browser.get("/include");
    assertThat(include.body()).isEqualTo("include id=" + id + " included visits=3 id=" + id + " dispatch=INCLUDE");
    assertThat(List.of(forward, include)).allSatisfy(r -> assertThat(r.allSetCookies()).noneMatch(c -> c.startsWith("JSESSIONID")));
    assertThat(browser.get("/count").body()).isEqualTo("visits=4 new=false id=" + id);
  }

  @Test
  void anAsyncRequestSeesTheSameSessionAndItsChangesAreSavedWithTheCookie() throws Exception {
    Browser.Reply first = browser.get("/async");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).startsWith("async visits=1 id=").endsWith(" dispatch=ASYNC");
    assertThat(first.setCookie()).startsWith("SESSION=");
    assertThat(first.allSetCookies()).noneMatch(c -> c.startsWith("JSESSIONID"));
    String id = first.body().split(" id=")[1].split(" ")[0];
    assertThat(browser.get("/async").body()).isEqualTo("async visits=2 id=" + id + " dispatch=ASYNC");
    assertThat(browser.get("/count").body()).isEqualTo("visits=3 new=false id=" + id);
  }

  @Test
  void theSessionCookieIsNeverVisibleToTheApplicationSoItIsNeverCopiedIntoTheSession() throws Exception {
    browser.get("/count");
    browser.otherCookie = "theme=dark";
    Browser.Reply reply = browser.get("/cookies");
    assertThat(reply.body()).isEqualTo("header=theme=dark headers=[theme=dark] cookies=theme");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }

  @Test
  void anIdleSessionThatTimesOutFiresSessionDestroyedOnceAndUnbindsItsValues() throws Exception {
    CountingServlet.ExpiryWatch.EVENTS.clear();
    String cookie = browser.get("/expiring").cookie();
    clock.advance(Duration.ofSeconds(2));
    browser.cookie = cookie;
    assertThat(browser.get("/peek").body()).isEqualTo("none"); // (a token session's expiry is seen right here)
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
        .until(() -> events.contains("destroyed"));
    browser.cookie = cookie;
    assertThat(browser.get("/peek").body()).isEqualTo("none");
    store.sweepExpired().toCompletableFuture().join();
    assertThat(events.stream().filter("destroyed"::equals)).hasSize(1);
    assertThat(CountingServlet.ExpiryWatch.EVENTS).containsExactly("unbound watch from watch");
  }

  static String idOf(String body) {
    return body.substring(body.indexOf("id=") + 3).split(" ")[0];
  }
}
