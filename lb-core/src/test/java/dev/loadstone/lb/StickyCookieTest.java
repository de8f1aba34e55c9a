package dev.loadstone.lb;

import static dev.loadstone.lb.TestSupport.backends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class StickyCookieTest {
  private static final byte[] KEY_1 = key('1');
  private static final byte[] KEY_2 = key('2');

  private final TestSupport.ManualClock clock = new TestSupport.ManualClock();
  private final TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();

  private static byte[] key(char c) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) c);
    return k;
  }

  private StickyCookies cookies(boolean moveAtOnce) {
    return StickyCookies.builder().addKey("k1", KEY_1).maxAge(Duration.ofHours(1)).clock(clock)
        .moveDrainingClientsAtOnce(moveAtOnce).build();
  }

  private BackendPool pool(StickyCookies cookies) {
    BackendPool pool = BackendPool.builder().ticker(ticker).balancer(Balancers.sticky(Balancers.roundRobin(), cookies)).build();
    pool.addAll(backends(1, 1, 1), Health.UP);
    return pool;
  }

  private static PickRequest withCookie(String cookie) {
    return PickRequest.EMPTY.withStickyCookie(cookie);
  }

  @Test
  void aClientWithoutCookieIsBalancedAndGetsACookieNamingItsBackend() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    Pick first = pool.pick(PickRequest.EMPTY);
    Pick second = pool.pick(PickRequest.EMPTY);
    assertThat(first.state().id()).isEqualTo("a");
    assertThat(second.state().id()).isEqualTo("b");
    assertThat(cookies.verify(first.setCookie())).isEqualTo("a");
    assertThat(cookies.verify(second.setCookie())).isEqualTo("b");
  }

  @Test
  void aValidCookieSendsTheClientBackToItsBackendWithoutReissuingIt() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String cookie = cookies.encode("c");
    for (int i = 0; i < 10; i++) {
      Pick p = pool.pick(withCookie(cookie));
      assertThat(p.state().id()).isEqualTo("c");
      assertThat(p.setCookie()).isNull();
    }
  }

  @Test
  void theCookieIsOpaqueUrlSafeAndNeverCarriesTheAddress() {
    StickyCookies cookies = cookies(false);
    String cookie = cookies.encode("a");
    assertThat(cookie).matches("[A-Za-z0-9_-]+");
    String decoded = new String(Base64.getUrlDecoder().decode(cookie), StandardCharsets.ISO_8859_1);
    assertThat(decoded).contains("k1").doesNotContain("10.0.0.1").doesNotContain("8080");
  }

  @Test
  void tamperedTruncatedMalformedAndForgedCookiesAreIgnoredAndReplaced() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String good = cookies.encode("c");
    byte[] raw = Base64.getUrlDecoder().decode(good);
    java.util.List<String> bad = new java.util.ArrayList<>();
    for (int i = 0; i < raw.length; i++) { // every single flipped bit position's byte
      byte[] t = raw.clone();
      t[i] ^= 0x01;
      bad.add(Base64.getUrlEncoder().withoutPadding().encodeToString(t));
    }
    for (int len = 0; len < good.length(); len += 3) {
      bad.add(good.substring(0, len));
    }
    bad.add(good + "A");
    bad.add("not base64 !!");
    bad.add("%%%");
    bad.add("x".repeat(10_000));
    StickyCookies otherKey = StickyCookies.builder().addKey("k1", KEY_2).clock(clock).build(); // same id, other secret
    bad.add(otherKey.encode("c"));
    for (String cookie : bad) {
      assertThat(cookies.verify(cookie)).as(cookie).isNull();
      Pick p = pool.pick(withCookie(cookie));
      assertThat(p.isEmpty()).isFalse();
      assertThat(cookies.verify(p.setCookie())).isEqualTo(p.state().id());
    }
    assertThat(cookies.verify(null)).isNull();
    assertThat(cookies.verify("")).isNull();
  }

  @Test
  void aCookieSignedWithAnUnknownKeyIdIsIgnored() {
    StickyCookies rekeyed = StickyCookies.builder().addKey("k9", KEY_1).clock(clock).build();
    StickyCookies cookies = cookies(false);
    assertThat(cookies.verify(rekeyed.encode("a"))).isNull();
  }

  @Test
  void anExpiredCookieIsIgnoredAndTheClientGetsAFreshOne() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String cookie = cookies.encode("c");
    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertThat(cookies.verify(cookie)).isEqualTo("c");
    clock.advance(Duration.ofSeconds(1));
    assertThat(cookies.verify(cookie)).isNull();
    Pick p = pool.pick(withCookie(cookie));
    assertThat(p.state().id()).isEqualTo("a"); // round robin's first pick, not c
    assertThat(cookies.verify(p.setCookie())).isEqualTo("a");
  }

  @Test
  void aCookieIssuedFarInTheFutureIsIgnored() {
    StickyCookies cookies = cookies(false);
    String future = cookies.encode("a", clock.millis() / 1000 + 61);
    assertThat(cookies.verify(future)).isNull();
    assertThat(cookies.verify(cookies.encode("a", clock.millis() / 1000 + 60))).isEqualTo("a");
  }

  @Test
  void anHonouredCookieIsReissuedOnceOlderThanHalfItsMaxAge() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String cookie = cookies.encode("b");
    clock.advance(Duration.ofMinutes(29).plusSeconds(59));
    assertThat(pool.pick(withCookie(cookie)).setCookie()).isNull();
    clock.advance(Duration.ofSeconds(1));
    Pick p = pool.pick(withCookie(cookie));
    assertThat(p.state().id()).isEqualTo("b");
    assertThat(p.setCookie()).isNotNull().isNotEqualTo(cookie);
    clock.advance(Duration.ofMinutes(45)); // the old one has expired, the re-issued one has not
    assertThat(cookies.verify(cookie)).isNull();
    assertThat(cookies.verify(p.setCookie())).isEqualTo("b");
  }

  @Test
  void aCookieNamingABackendNoLongerInThePoolIsIgnored() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String cookie = cookies.encode("gone");
    Pick p = pool.pick(withCookie(cookie));
    assertThat(p.state().id()).isEqualTo("a");
    assertThat(cookies.verify(p.setCookie())).isEqualTo("a");
    String onC = cookies.encode("c");
    pool.remove("c");
    assertThat(pool.pick(withCookie(onC)).state().id()).isNotEqualTo("c");
  }

  @Test
  void aDownOrMaintenanceBackendIsNeverPickedThroughItsCookie() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String onB = cookies.encode("b");
    pool.setHealth("b", Health.DOWN);
    for (int i = 0; i < 6; i++) {
      Pick p = pool.pick(withCookie(onB));
      assertThat(p.state().id()).isIn("a", "c");
      assertThat(cookies.verify(p.setCookie())).isEqualTo(p.state().id());
    }
    pool.setHealth("b", Health.UP);
    pool.setAdminState("b", AdminState.MAINTENANCE);
    for (int i = 0; i < 6; i++) {
      assertThat(pool.pick(withCookie(onB)).state().id()).isIn("a", "c");
    }
    pool.setAdminState("b", AdminState.ACTIVE);
    assertThat(pool.pick(withCookie(onB)).state().id()).isEqualTo("b");
  }

  @Test
  void aDrainingBackendKeepsItsStickyClientsUntilItsDeadlineThenTheyMove() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String onB = cookies.encode("b");
    pool.drain("b", Duration.ofSeconds(30));
    for (int i = 0; i < 6; i++) {
      assertThat(pool.pick(PickRequest.EMPTY).state().id()).isIn("a", "c"); // no new clients
      Pick sticky = pool.pick(withCookie(onB));
      assertThat(sticky.state().id()).isEqualTo("b");
      assertThat(sticky.setCookie()).isNull();
    }
    ticker.advance(Duration.ofSeconds(29).plusMillis(999));
    assertThat(pool.pick(withCookie(onB)).state().id()).isEqualTo("b");
    ticker.advance(Duration.ofMillis(1));
    Pick moved = pool.pick(withCookie(onB));
    assertThat(moved.state().id()).isIn("a", "c");
    assertThat(cookies.verify(moved.setCookie())).isEqualTo(moved.state().id());
  }

  @Test
  void aPoolThatMovesDrainingClientsAtOnceDoesSo() {
    StickyCookies cookies = cookies(true);
    BackendPool pool = pool(cookies);
    String onB = cookies.encode("b");
    assertThat(pool.pick(withCookie(onB)).state().id()).isEqualTo("b");
    pool.drain("b", Duration.ofMinutes(10));
    assertThat(pool.pick(withCookie(onB)).state().id()).isIn("a", "c");
  }

  @Test
  void aRetryOverridesStickiness() {
    StickyCookies cookies = cookies(false);
    BackendPool pool = pool(cookies);
    String onB = cookies.encode("b");
    Pick p = pool.pick(withCookie(onB).excluding("b"));
    assertThat(p.state().id()).isIn("a", "c");
    assertThat(cookies.verify(p.setCookie())).isEqualTo(p.state().id());
  }

  @Test
  void keyRotationKeepsOldCookiesValidUntilTheirKeyIsRemoved() {
    StickyCookies before = StickyCookies.builder().addKey("k1", KEY_1).clock(clock).build();
    String old = before.encode("a");
    StickyCookies rotated = StickyCookies.builder().addKey("k1", KEY_1).addKey("k2", KEY_2).clock(clock).build();
    assertThat(rotated.signingKeyId()).isEqualTo("k2");
    assertThat(rotated.verify(old)).isEqualTo("a");
    String fresh = rotated.encode("b");
    assertThat(before.verify(fresh)).isNull(); // signed with k2, which the old config does not list
    StickyCookies retired = StickyCookies.builder().addKey("k2", KEY_2).clock(clock).build();
    assertThat(retired.verify(old)).isNull();
    assertThat(retired.verify(fresh)).isEqualTo("b");
  }

  @Test
  void shortKeysDuplicateKeyIdsAndBadOptionsFailFastNamingTheValue() {
    assertThatThrownBy(() -> StickyCookies.builder().addKey("old", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sticky cookie key 'old': 31 bytes (expected: at least 32 bytes)");
    assertThatThrownBy(() -> StickyCookies.builder().addKey("k1", KEY_1).addKey("k1", KEY_2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sticky cookie key id: 'k1' (expected: a key id not already added)");
    assertThatThrownBy(() -> StickyCookies.builder().addKey(" ", KEY_1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sticky cookie key id: ' ' (expected: 1..32 printable ASCII");
    assertThatThrownBy(() -> StickyCookies.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("sticky cookie keys: none (expected: addKey(id, key) at least once)");
    assertThatThrownBy(() -> StickyCookies.builder().maxAge(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sticky cookie maxAge: PT0S (expected: >= 1s)");
    assertThatThrownBy(() -> StickyCookies.builder().maxAge(Duration.ofHours(1)).maxAge(Duration.ofHours(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxAge was already set");
    assertThatThrownBy(() -> StickyCookies.builder().moveDrainingClientsAtOnce(true).moveDrainingClientsAtOnce(false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> StickyCookies.builder().clock(clock).clock(clock)).isInstanceOf(IllegalStateException.class);
    StickyCookies cookies = cookies(false);
    assertThatThrownBy(() -> cookies.encode(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("backend id: ' '");
  }

  @Test
  void theKeyIsCopiedSoLaterChangesToTheCallersArrayDoNotMatter() {
    byte[] k = key('7');
    StickyCookies cookies = StickyCookies.builder().addKey("k7", k).clock(clock).build();
    String cookie = cookies.encode("a");
    Arrays.fill(k, (byte) 0);
    assertThat(cookies.verify(cookie)).isEqualTo("a");
  }
}
