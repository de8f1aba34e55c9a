package dev.loadstone.session.redis;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LettuceFloorTest {
  @Test
  void aLettuceOlderThanTheFloorFailsNamingItsVersionAndTheFloor() {
    assertThatThrownBy(() -> LettuceFloor.check("6.5.5.RELEASE/abc"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Lettuce 6.5.5.RELEASE/abc is on the classpath (expected: io.lettuce:lettuce-core 6.6 or newer for "
            + "session-redis; Spring Boot 3.5 and 4.0 select 6.6 and 6.8)");
    assertThatThrownBy(() -> LettuceFloor.check("5.3.7.RELEASE")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theTestedVersionsAndUnreadableOnesPass() {
    for (String v : new String[] {"6.6.0.RELEASE/643bd47", "6.8.2.RELEASE/34f8700", "7.7.0.RELEASE/1960d49", null, "dev"}) {
      assertThatCode(() -> LettuceFloor.check(v)).doesNotThrowAnyException();
    }
    assertThatCode(LettuceFloor::check).doesNotThrowAnyException(); // the one on this classpath
  }
}
