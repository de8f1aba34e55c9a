package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIdsTest {
  @Test
  void secureIdsCarry128BitsAsTwentyTwoBase64UrlCharacters() {
    SessionIds ids = SessionIds.secure();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = ids.next();
      assertThat(id).hasSize(22).matches("[A-Za-z0-9_-]+");
      assertThat(SessionIds.isWellFormed(id)).isTrue();
      seen.add(id);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  void injectedRandomSourceGivesReproducibleIds() {
    assertThat(SessionIds.of(new Random(7), 32).next()).isEqualTo(SessionIds.of(new Random(7), 32).next()).hasSize(43);
  }

  @Test
  void malformedOrOversizedIdsAreNotWellFormed() {
    assertThat(SessionIds.isWellFormed(null)).isFalse();
    assertThat(SessionIds.isWellFormed("")).isFalse();
    assertThat(SessionIds.isWellFormed("short")).isFalse();
    assertThat(SessionIds.isWellFormed("aaaaaaaaaaaaaaaaaaaaa=")).isFalse();
    assertThat(SessionIds.isWellFormed("aaaaaaaaaaa}aaaaaaaaaaa")).isFalse();
    assertThat(SessionIds.isWellFormed("a".repeat(87))).isFalse();
    assertThat(SessionIds.isWellFormed("a".repeat(86))).isTrue();
  }

  @Test
  void fewerThan128BitsIsRefusedWithTheExpectedRange() {
    assertThatThrownBy(() -> SessionIds.of(new Random(), 8)).hasMessage("bytes: 8 (expected: 16..64)");
  }
}
