package dev.loadstone.session.token;

import dev.loadstone.session.SessionTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenSessionStoreTest {
  static final byte[] K1 = filled(1);
  static final byte[] K2 = filled(2);

  MutableClock clock;
  SimpleMeterRegistry meters;

  static byte[] filled(int b) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) b);
    return key;
  }

  @BeforeEach
  void setUp() {
    clock = MutableClock.startingNow();
    meters = new SimpleMeterRegistry();
  }

  TokenSessionStore.Builder builder(KeyRing ring) {
    return TokenSessionStore.builder().keyRing(ring).clock(clock).meterRegistry(meters).random(new SecureRandom());
  }

  BlockingSessionStore store(KeyRing ring, boolean encrypt) {
    return BlockingSessionStore.of(builder(ring).encrypt(encrypt).build());
  }

  double rejected(String reason) {
    var counter = meters.find("loadstone.session.token.rejected").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  String savedToken(BlockingSessionStore store, Map<String, Object> attributes) {
    Session s = store.create();
    attributes.forEach(s::setAttribute);
    return store.save(s);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSavedSessionLoadsBackWithItsAttributesAndTimes(boolean encrypt) {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), encrypt);
    Session s = store.create();
    s.setAttribute("user", "ada");
    s.setAttribute("visits", 3);
    s.setAttribute("roles", List.of("admin", "dev"));
    s.setIdleTimeout(Duration.ofMinutes(10));
    String token = store.save(s);

    assertThat(token).startsWith("v1.k1.").matches("v1\\.k1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    Session loaded = store.load(token).orElseThrow();
    assertThat(loaded.id()).isEqualTo(s.id());
    assertThat(loaded.isNew()).isFalse();
    assertThat(loaded.creationTime()).isEqualTo(s.creationTime().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(loaded.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(loaded.absoluteTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(loaded.getAttributeNames()).containsExactlyInAnyOrder("user", "visits", "roles");
    assertThat(loaded.getAttribute("user")).isEqualTo("ada");
    assertThat(loaded.getAttribute("visits")).isEqualTo(3);
    assertThat(loaded.getAttribute("roles")).isEqualTo(List.of("admin", "dev"));
  }

  @Test
  void aSignedTokenShowsItsPayloadAndAnEncryptedOneDoesNot() {
    Map<String, Object> attributes = Map.of("secret", "plain-text-marker");
    String signed = savedToken(store(KeyRing.of("k1", K1), false), attributes);
    String encrypted = savedToken(store(KeyRing.of("k1", K1), true), attributes);
    assertThat(new String(Base64.getUrlDecoder().decode(signed.split("\\.")[2]), StandardCharsets.ISO_8859_1))
        .contains("plain-text-marker");
    assertThat(new String(Base64.getUrlDecoder().decode(encrypted.split("\\.")[2]), StandardCharsets.ISO_8859_1))
        .doesNotContain("plain-text-marker");
    assertThat(Base64.getUrlDecoder().decode(encrypted.split("\\.")[3])).hasSize(16);
    assertThat(Base64.getUrlDecoder().decode(signed.split("\\.")[3])).hasSize(32);
  }

  @Test
  void encryptingTheSameSessionTwiceGivesDifferentTokens() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), true);
    Session s = store.create();
    s.setAttribute("a", "b");
    String first = store.save(s);
    s.setAttribute("a", "c");
    s.setAttribute("a", "b");
    String second = store.save(s);
    assertThat(second).isNotEqualTo(first);
    assertThat(store.load(first)).isPresent();
    assertThat(store.load(second)).isPresent();
  }

  @Test
  void anUnchangedSessionKeepsItsTokenUntilItsRemainingLifeFallsBelowTheThreshold() {
    BlockingSessionStore store = BlockingSessionStore.of(builder(KeyRing.of("k1", K1))
        .idleTimeout(Duration.ofMinutes(30)).refreshThreshold(Duration.ofMinutes(10)).build());
    String token = savedToken(store, Map.of("n", 1));

    clock.advance(Duration.ofMinutes(19));
    Session loaded = store.load(token).orElseThrow();
    loaded.touch();
    assertThat(loaded.getAttribute("n")).isEqualTo(1);
    assertThat(store.save(loaded)).isEqualTo(token);

    clock.advance(Duration.ofMinutes(2)); // 9 minutes left
    Session again = store.load(token).orElseThrow();
    String refreshed = store.save(again);
    assertThat(refreshed).isNotEqualTo(token);
    clock.advance(Duration.ofMinutes(25)); // the old token has expired, the refreshed one has 5 minutes left
    assertThat(store.load(token)).isEmpty();
    assertThat(store.load(refreshed).orElseThrow().getAttribute("n")).isEqualTo(1);
  }

  @Test
  void aChangedOrMutatedSessionGetsANewToken() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), false);
    String token = savedToken(store, Map.of("list", List.of("a")));

    Session loaded = store.load(token).orElseThrow();
    @SuppressWarnings("unchecked")
    List<String> list = (List<String>) loaded.getAttribute("list");
    list.add("b"); // mutated in place, never set again
    String mutated = store.save(loaded);
    assertThat(mutated).isNotEqualTo(token);
    assertThat(store.load(mutated).orElseThrow().getAttribute("list")).isEqualTo(List.of("a", "b"));

    Session reread = store.load(mutated).orElseThrow();
    reread.getAttribute("list"); // read, not changed
    assertThat(store.save(reread)).isEqualTo(mutated);
    reread.removeAttribute("list");
    String removed = store.save(reread);
    assertThat(store.load(removed).orElseThrow().getAttributeNames()).isEmpty();
  }

  @Test
  void refreshNeverExtendsASessionPastItsAbsoluteTimeout() {
    BlockingSessionStore store = BlockingSessionStore.of(builder(KeyRing.of("k1", K1))
        .idleTimeout(Duration.ofMinutes(30)).absoluteTimeout(Duration.ofMinutes(50)).build());
    String token = savedToken(store, Map.of("n", 1));
    clock.advance(Duration.ofMinutes(25));
    String refreshed = store.save(store.load(token).orElseThrow());
    assertThat(refreshed).isNotEqualTo(token);
    clock.advance(Duration.ofMinutes(24)); // 49 minutes after creation: still valid
    String again = store.save(store.load(refreshed).orElseThrow());
    clock.advance(Duration.ofMinutes(1)); // 50 minutes: absolute timeout reached for every token
    assertThat(store.load(again)).isEmpty();
    assertThat(rejected("expired")).isEqualTo(1);
  }

  @Test
  void anExpiredTokenGivesNoSessionAndIsCounted() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), false);
    String token = savedToken(store, Map.of("n", 1));
    clock.advance(Duration.ofMinutes(30));
    assertThat(store.load(token)).isEmpty();
    assertThat(rejected("expired")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void tamperedTruncatedAndForeignTokensGiveNoSessionAndAreCountedByReason(boolean encrypt) {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), encrypt);
    String token = savedToken(store, Map.of("role", "user"));
    String[] parts = token.split("\\.");

    // one flipped character in the payload, and in the tag
    assertThat(store.load(parts[0] + "." + parts[1] + "." + flip(parts[2]) + "." + parts[3])).isEmpty();
    assertThat(store.load(parts[0] + "." + parts[1] + "." + parts[2] + "." + flip(parts[3]))).isEmpty();
    // truncated tag, and a tag taken from another token
    assertThat(store.load(token.substring(0, token.length() - 2))).isEmpty();
    String other = savedToken(store, Map.of("role", "admin"));
    assertThat(store.load(parts[0] + "." + parts[1] + "." + parts[2] + "." + other.split("\\.")[3])).isEmpty();
    // the same key id, another key
    assertThat(store(KeyRing.of("k1", K2), encrypt).load(token)).isEmpty();
    // the other mode: no algorithm is read from the token
    assertThat(store(KeyRing.of("k1", K1), !encrypt).load(token)).isEmpty();
    // a truncated tag may no longer be valid base64 (malformed) or be too short (bad tag): both reject
    assertThat(rejected("bad_tag") + rejected("malformed")).isEqualTo(6);

    assertThat(store.load(parts[0] + ".k9." + parts[2] + "." + parts[3])).isEmpty();
    assertThat(rejected("unknown_key")).isEqualTo(1);
    assertThat(store.load("v2." + parts[1] + "." + parts[2] + "." + parts[3])).isEmpty();
    assertThat(rejected("unsupported_version")).isEqualTo(1);
  }

  @Test
  void garbageGivesNoSessionAndNeverThrows() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), false);
    List<String> garbage = new ArrayList<>(List.of("x", "....", "v1.k1.", "v1.k1..", "v1.k1.a.b.c", "v1.k1.%%%.abc",
        "v1.k1.abc.%%%", "v1", "v1.k1.YQ.YQ", "\u00e9\u00e9.\u0000.a.b", "v1..a.b"));
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      garbage.add(new String(bytes, StandardCharsets.ISO_8859_1));
      garbage.add("v1.k1." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + ".AAAA");
    }
    for (String g : garbage) {
      assertThat(store.load(g)).as(g).isEmpty();
    }
    assertThat(store.load("v1.k1." + "A".repeat(9_000) + ".AAAA")).isEmpty();
    assertThat(rejected("too_long")).isEqualTo(1);
    double all = 0;
    for (Rejection r : Rejection.values()) {
      all += rejected(r.tag());
    }
    // every non-empty string is counted once (an empty cookie is simply no session)
    assertThat(all).isEqualTo(1 + garbage.stream().filter(g -> !g.isEmpty()).count());
    assertThat(rejected("bad_payload") + rejected("expired")).isZero();
  }

  @Test
  void aTokenWithAnAuthenticButUnreadablePayloadIsRejected() {
    TokenFormat format = new TokenFormat(false, new SecureRandom());
    KeyRing ring = KeyRing.of("k1", K1);
    String token = format.seal(new byte[] {9, 9, 9}, ring.newest());
    assertThat(store(ring, false).load(token)).isEmpty();
    assertThat(rejected("bad_payload")).isEqualTo(1);
  }

  @Test
  void rotationSignsWithTheNewestKeyAndStillVerifiesOlderOnesUntilTheyAreRemoved() {
    KeyRing before = KeyRing.of("k1", K1);
    KeyRing during = before.withNewestKey("k2", K2);
    KeyRing after = during.without("k1");
    String oldToken = savedToken(store(before, false), Map.of("n", 1));

    BlockingSessionStore rotating = store(during, false);
    assertThat(rotating.load(oldToken).orElseThrow().getAttribute("n")).isEqualTo(1);
    Session s = rotating.load(oldToken).orElseThrow();
    s.setAttribute("n", 2);
    String newToken = rotating.save(s);
    assertThat(newToken).startsWith("v1.k2.");

    BlockingSessionStore rotated = store(after, false);
    assertThat(rotated.load(oldToken)).isEmpty();
    assertThat(rotated.load(newToken).orElseThrow().getAttribute("n")).isEqualTo(2);
    assertThat(rejected("unknown_key")).isEqualTo(1);
  }

  @Test
  void aSessionTooLargeForTheCookieFailsWithAClearErrorWhenNothingToSpillTo() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), false);
    Session s = store.create();
    s.setAttribute("blob", "x".repeat(4_000));
    assertThatThrownBy(() -> store.save(s))
        .isInstanceOf(SessionTooLargeException.class)
        .hasMessageStartingWith("session " + s.id().substring(0, 6) + "...: token is ")
        .hasMessageContaining("bytes (expected: at most 3800)");
    s.setAttribute("blob", "x".repeat(2_000));
    assertThat(store.save(s).length()).isLessThanOrEqualTo(3_800);
  }

  @Test
  void aSessionTooLargeForTheCookieSpillsToTheServerSideStoreAndComesBackWhenItShrinks() {
    InMemorySessionStore spill =
        InMemorySessionStore.builder().sessions(SessionFactory.builder().clock(clock).meterRegistry(meters).build())
            .build();
    BlockingSessionStore store = BlockingSessionStore.of(builder(KeyRing.of("k1", K1)).spillTo(spill).build());
    Session s = store.create();
    s.setAttribute("blob", "y".repeat(10_000));
    s.setAttribute("n", 1);
    String reference = store.save(s);
    assertThat(reference.length()).isLessThan(400);
    assertThat(spill.estimatedSize()).isEqualTo(1);

    Session loaded = store.load(reference).orElseThrow();
    assertThat(loaded.id()).isEqualTo(s.id());
    assertThat(loaded.getAttribute("blob")).isEqualTo("y".repeat(10_000));
    loaded.setAttribute("n", 2);
    String sameReference = store.save(loaded);
    assertThat(store.load(sameReference).orElseThrow().getAttribute("n")).isEqualTo(2);
    assertThat(spill.estimatedSize()).isEqualTo(1);

    Session shrinking = store.load(sameReference).orElseThrow();
    shrinking.removeAttribute("blob");
    String inline = store.save(shrinking);
    assertThat(inline.length()).isGreaterThan(0);
    assertThat(store.load(inline).orElseThrow().getAttribute("n")).isEqualTo(2);
    assertThat(spill.estimatedSize()).isZero();
    assertThat(store.load(sameReference)).isEmpty();
    assertThat(rejected("spill_missing")).isEqualTo(1);
  }

  @Test
  void changeIdGivesTheSessionANewIdAndANewToken() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), false);
    String token = savedToken(store, Map.of("n", 1));
    Session loaded = store.load(token).orElseThrow();
    String oldId = loaded.id();
    Session moved = store.changeId(loaded);
    assertThat(moved.id()).isNotEqualTo(oldId).hasSizeGreaterThanOrEqualTo(22);
    String newToken = store.save(moved);
    assertThat(newToken).isNotEqualTo(token);
    assertThat(store.load(newToken).orElseThrow().id()).isEqualTo(moved.id());
  }

  @Test
  void anAttributeThatNoLongerDecodesIsDroppedAndCounted() {
    KeyRing ring = KeyRing.of("k1", K1);
    dev.loadstone.session.SessionCodec failing = new dev.loadstone.session.SessionCodec() {
      @Override
      public byte[] encode(Object value) {
        return value.toString().getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public Object decode(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (s.startsWith("old:")) {
          throw new IllegalArgumentException("retired type");
        }
        return s;
      }
    };
    BlockingSessionStore store = BlockingSessionStore.of(builder(ring).codec(failing).build());
    String token = savedToken(store, Map.of("keep", "fine", "gone", "old:thing"));
    Session loaded = store.load(token).orElseThrow();
    assertThat(loaded.getAttributeNames()).containsExactly("keep");
    assertThat(meters.get(SessionFactory.UNDECODABLE_METRIC).counter().count()).isEqualTo(1);
    loaded.setAttribute("keep", "changed");
    Session again = store.load(store.save(loaded)).orElseThrow();
    assertThat(again.getAttribute("keep")).isEqualTo("changed");
    assertThat(again.getAttributeNames()).as("still hidden, never deleted: the other deploy reads it").containsExactly("keep");
  }

  @Test
  void attributesAreDecodedOnlyWhenReadAndUnreadOnesAreWrittenBackAsTheyWere() {
    java.util.concurrent.atomic.AtomicInteger decodes = new java.util.concurrent.atomic.AtomicInteger();
    dev.loadstone.session.SessionCodec counting = new dev.loadstone.session.SessionCodec() {
      final dev.loadstone.session.SessionCodec json = dev.loadstone.session.JsonSessionCodec.builder().build();

      @Override
      public byte[] encode(Object value) {
        return json.encode(value);
      }

      @Override
      public Object decode(byte[] bytes) {
        decodes.incrementAndGet();
        return json.decode(bytes);
      }
    };
    BlockingSessionStore store = BlockingSessionStore.of(builder(KeyRing.of("k1", K1)).codec(counting).build());
    String token = savedToken(store, Map.of("a", "x", "b", List.of(1, 2), "c", 3));
    Session loaded = store.load(token).orElseThrow();
    assertThat(decodes.get()).isZero();
    loaded.setAttribute("c", 4);
    String next = store.save(loaded);
    assertThat(decodes.get()).isZero();
    Session again = store.load(next).orElseThrow();
    assertThat(again.getAttribute("a")).isEqualTo("x");
    assertThat(again.getAttribute("b")).isEqualTo(List.of(1, 2));
    assertThat(again.getAttribute("c")).isEqualTo(4);
    assertThat(decodes.get()).isEqualTo(3);
  }

  @Test
  void builderOptionsAreCheckedAndSetAtMostOnce() {
    assertThatThrownBy(() -> TokenSessionStore.builder().build())
        .hasMessage("keyRing: not set (expected: TokenSessionStore.builder().keyRing(...))");
    assertThatThrownBy(() -> TokenSessionStore.builder().encrypt(true).encrypt(false))
        .isInstanceOf(IllegalStateException.class).hasMessage("encrypt: already set (expected: each option at most once)");
    assertThatThrownBy(() -> TokenSessionStore.builder().maxCookieBytes(100))
        .hasMessage("maxCookieBytes: 100 (expected: 256..8192)");
    assertThatThrownBy(() -> TokenSessionStore.builder().idleTimeout(Duration.ZERO))
        .hasMessage("idleTimeout: PT0S (expected: > 0)");
  }

  @Test
  void aSessionOfAnotherStoreIsRefused() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), false);
    InMemorySessionStore other = InMemorySessionStore.builder().build();
    Session foreign = other.create().toCompletableFuture().join();
    assertThatThrownBy(() -> store.save(foreign)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a session created or loaded by this TokenSessionStore");
  }

  @Test
  void anExpiredTokenPresentedAgainReportsTheSessionsExpiryOnceWithItsAttributes() {
    TokenSessionStore tokens = builder(KeyRing.of("k1", K1)).build();
    List<String> expired = new java.util.concurrent.CopyOnWriteArrayList<>();
    tokens.addListener(new dev.loadstone.session.SessionEventListener() {
      @Override
      public void sessionExpired(Session session) {
        expired.add(session.id() + " user=" + session.getAttribute("user"));
      }
    });
    BlockingSessionStore store = BlockingSessionStore.of(tokens);
    Session s = store.create();
    s.setAttribute("user", "alice");
    String token = store.save(s);
    clock.advance(Duration.ofMinutes(31));
    assertThat(store.load(token)).isEmpty();
    assertThat(store.load(token)).isEmpty();
    assertThat(expired).containsExactly(s.id() + " user=alice");
  }

  @Test
  void tokenSessionsAreTheSameTrackedSessionsAsEveryOtherStores() {
    BlockingSessionStore store = store(KeyRing.of("k1", K1), false);
    Session s = store.create();
    assertThat(s).isInstanceOf(dev.loadstone.session.TrackedSession.class);
    s.setAttribute("a", "1");
    s.removeAttribute(null);
    s.setIdleTimeout(Duration.ZERO); // no idle limit: the absolute timeout ends it
    String token = store.save(s);
    clock.advance(Duration.ofHours(11));
    Session back = store.load(token).orElseThrow();
    assertThat(back.idleTimeout()).isZero();
    assertThat(back.lastAccessedTime()).as("the stored access, as with every store").isEqualTo(s.creationTime());
    clock.advance(Duration.ofHours(1));
    assertThat(store.load(token)).isEmpty();
  }

  private static String flip(String part) {
    char c = part.charAt(part.length() / 2);
    char replacement = c == 'A' ? 'B' : 'A';
    return part.substring(0, part.length() / 2) + replacement + part.substring(part.length() / 2 + 1);
  }
}
