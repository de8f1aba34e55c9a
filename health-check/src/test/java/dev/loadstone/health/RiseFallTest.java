package dev.loadstone.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RiseFallTest {

  @Test
  void upBackendGoesDownOnExactlyTheFallthFailure() {
    RiseFall rf = new RiseFall(true, 2, 3);
    assertThat(rf.record(false)).isFalse();
    assertThat(rf.record(false)).isFalse();
    assertThat(rf.isUp()).isTrue();
    assertThat(rf.record(false)).isTrue();
    assertThat(rf.isUp()).isFalse();
  }

  @Test
  void downBackendComesUpOnExactlyTheRisethPass() {
    RiseFall rf = new RiseFall(false, 2, 3);
    assertThat(rf.record(true)).isFalse();
    assertThat(rf.isUp()).isFalse();
    assertThat(rf.record(true)).isTrue();
    assertThat(rf.isUp()).isTrue();
  }

  @Test
  void flappingWithinTheThresholdsNeverChangesState() {
    RiseFall up = new RiseFall(true, 2, 3);
    for (int i = 0; i < 50; i++) {
      assertThat(up.record(false)).isFalse();
      assertThat(up.record(false)).isFalse();
      assertThat(up.record(true)).isFalse();
    }
    assertThat(up.isUp()).isTrue();

    RiseFall down = new RiseFall(false, 2, 3);
    for (int i = 0; i < 50; i++) {
      assertThat(down.record(true)).isFalse();
      assertThat(down.record(false)).isFalse();
    }
    assertThat(down.isUp()).isFalse();
  }

  @Test
  void aResultAgreeingWithTheStateRestartsTheCount() {
    RiseFall rf = new RiseFall(true, 1, 2);
    rf.record(false);
    assertThat(rf.run()).isEqualTo(1);
    rf.record(true);
    assertThat(rf.run()).isZero();
    assertThat(rf.record(false)).isFalse();
    assertThat(rf.record(false)).isTrue();
  }

  @Test
  void riseAndFallOfOneFlipOnEveryDisagreeingResult() {
    RiseFall rf = new RiseFall(true, 1, 1);
    assertThat(rf.record(false)).isTrue();
    assertThat(rf.record(true)).isTrue();
    assertThat(rf.record(true)).isFalse();
  }
}
