package dev.loadstone.session.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.JavaSerializationCodec;
import dev.loadstone.session.SessionChanges;
import dev.loadstone.session.SessionCodec;
import dev.loadstone.session.PrincipalResolver;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.TrackedSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackedSessionTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final SessionFactory factory = SessionFactory.builder().clock(clock).build();
  private final SessionCodec codec = factory.codec();

  private TrackedSession loaded(Map<String, Object> attributes) {
    Map<String, byte[]> bytes = new java.util.HashMap<>();
    attributes.forEach((k, v) -> bytes.put(k, codec.encode(v)));
    return factory.open(new SessionData(factory.ids().next(), clock.instant(), clock.instant(), Duration.ofMinutes(30),
        Duration.ofHours(12), bytes));
  }

  @Test
  void aRequestThatOnlyReadsChangesNothing() {
    TrackedSession s = loaded(Map.of("a", "1", "list", List.of(1, 2)));
    s.getAttribute("a");
    s.getAttribute("list");
    s.getAttributeNames();
    assertThat(s.changes().isEmpty()).isTrue();
  }

  @Test
  void setRemovedAndMutatedAttributesAreReportedAndNothingElse() {
    TrackedSession s = loaded(Map.of("set", "1", "removed", "2", "mutated", new ArrayList<>(List.of(1)), "untouched", "4"));
    s.setAttribute("set", "new");
    s.removeAttribute("removed");
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) s.getAttribute("mutated");
    list.add(2);
    SessionChanges c = s.changes();
    assertThat(c.setAttributes()).containsOnlyKeys("set", "mutated");
    assertThat(c.removedAttributes()).containsExactly("removed");
    assertThat(c.touchDue()).isFalse();
    assertThat(c.after().attributes()).containsOnlyKeys("set", "mutated", "untouched");
  }

  @Test
  void aSecondSaveInTheSameRequestWritesNothingMore() {
    TrackedSession s = loaded(Map.of("a", "1"));
    s.setAttribute("a", "2");
    s.markSaved(s.changes().after());
    assertThat(s.changes().isEmpty()).isTrue();
  }

  @Test
  void aNewSessionWritesEverythingIncludingMetadata() {
    TrackedSession s = factory.create();
    s.setAttribute("a", "1");
    SessionChanges c = s.changes();
    assertThat(c.isNew()).isTrue();
    assertThat(c.metadataChanged()).isTrue();
    assertThat(c.setAttributes()).containsOnlyKeys("a");
  }

  @Test
  void touchIsDueOnlyAfterTheShareOfTheIdleTimeout() {
    TrackedSession s = loaded(Map.of());
    clock.advance(Duration.ofSeconds(179));
    s.touch();
    assertThat(s.changes().isEmpty()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    s.touch();
    assertThat(s.changes().touchDue()).isTrue();
    assertThat(s.changes().after().lastAccessedTime()).isEqualTo(clock.instant());
  }

  @Test
  void settingAValueTheCodecCannotWriteFailsAtOnceAndKeepsTheOldValue() {
    TrackedSession s = loaded(Map.of("a", "1"));
    assertThatThrownBy(() -> s.setAttribute("a", new Object())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
    assertThat(s.getAttribute("a")).isEqualTo("1");
    assertThat(s.changes().isEmpty()).isTrue();
  }

  @Test
  void settingNullRemoves() {
    TrackedSession s = loaded(Map.of("a", "1"));
    s.setAttribute("a", null);
    assertThat(s.getAttribute("a")).isNull();
    assertThat(s.changes().removedAttributes()).containsExactly("a");
  }

  @Test
  void nullNamesAreAnErrorToSetAndNothingToReadOrRemove() {
    TrackedSession s = loaded(Map.of("a", "1"));
    assertThat(s.getAttribute(null)).isNull();
    s.removeAttribute(null);
    assertThatThrownBy(() -> s.setAttribute(null, "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: null (expected: an attribute name)");
    assertThat(s.changes().isEmpty()).isTrue();
  }

  @Test
  void aZeroIdleTimeoutMeansNoIdleLimitAndTheAbsoluteTimeoutEndsTheSession() {
    TrackedSession s = loaded(Map.of());
    s.setIdleTimeout(Duration.ZERO);
    assertThat(s.idleTimeout()).isZero();
    assertThat(s.expiresAt()).isEqualTo(s.creationTime().plus(Duration.ofHours(12)));
    assertThatThrownBy(() -> s.setIdleTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aReadOnlyRequestWritesNothingEvenWhenTheCodecDoesNotRoundTripByteForByte() {
    // A HashMap serialized after deserialization can differ in bytes (table capacity): its state is the same.
    SessionFactory java = SessionFactory.builder().clock(clock).codec(JavaSerializationCodec.allowing(List.of())).build();
    java.util.HashMap<String, Object> map = new java.util.HashMap<>();
    for (int i = 0; i < 13; i++) {
      map.put("k" + i, i);
    }
    map.keySet().removeIf(k -> !k.equals("k1"));
    byte[] bytes = java.codec().encode(map);
    TrackedSession s = java.open(new SessionData(java.ids().next(), clock.instant(), clock.instant(),
        Duration.ofMinutes(30), Duration.ofHours(12), Map.of("m", bytes)));
    assertThat(s.getAttribute("m")).isEqualTo(Map.of("k1", 1));
    assertThat(java.codec().encode(s.getAttribute("m"))).as("not byte-exact").isNotEqualTo(bytes);
    assertThat(s.changes().isEmpty()).isTrue();
  }

  @Test
  void thePrincipalIsResolvedOnlyWhenItsAttributeWasTouched() {
    TrackedSession s = loaded(Map.of(PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE, "alice", "other", "x"));
    s.setAttribute("other", "y");
    assertThat(s.changes().principalChanged()).isFalse();
    s.setAttribute(PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE, "bob");
    SessionChanges c = s.changes();
    assertThat(c.principalChanged()).isTrue();
    assertThat(c.after().principal()).isEqualTo("bob");
  }

  static final class NotListed implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void withTheJavaCodecAValueOutsideTheAllowlistFailsAtSetAttributeNamingItsClassAndTheOldValueStays() {
    SessionFactory java = SessionFactory.builder().clock(clock).codec(JavaSerializationCodec.allowing(List.of())).build();
    TrackedSession s = java.create();
    s.setAttribute("list", new ArrayList<>(List.of("ok")));
    assertThatThrownBy(() -> s.setAttribute("list", new ArrayList<>(List.of(new NotListed()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class " + NotListed.class.getName() + " is not in the allowlist");
    assertThat(s.getAttribute("list")).isEqualTo(List.of("ok"));
  }
}
