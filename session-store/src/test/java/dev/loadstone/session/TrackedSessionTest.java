package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.testing.MutableClock;
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
}
