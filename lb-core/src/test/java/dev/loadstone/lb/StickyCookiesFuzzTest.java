package dev.loadstone.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Coverage-guided fuzzing (Jazzer) of the sticky-cookie decoder: any string is verified without throwing, and
 * only an unchanged cookie this key signed names a backend; encoding any valid backend id round-trips, and an
 * invalid one is refused with IllegalArgumentException naming it. Regression inputs: {@code StickyCookiesFuzzTestInputs/}.
 */
class StickyCookiesFuzzTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final StickyCookies cookies = StickyCookies.builder().addKey("old", new byte[32])
      .addKey("k1", "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
      .clock(CLOCK).build();

  @FuzzTest(maxDuration = "60s", maxExecutions = 20_000)
  void anyCookieIsVerifiedWithoutThrowingAndOnlyAnUnchangedSignedOneNamesABackend(FuzzedDataProvider data) {
    String id = data.consumeString(80);
    int at = data.consumeInt();
    char replacement = data.consumeChar();
    String raw = data.consumeRemainingAsString();

    assertThat(cookies.verify(raw)).as("a forged or random value").satisfiesAnyOf(
        v -> assertThat(v).isNull(),
        v -> assertThat(raw).isEqualTo(safeEncode(v)));

    String cookie;
    try {
      cookie = cookies.encode(id);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("backend id: '");
      assertThatThrownBy(() -> Backend.checkId(id)).isInstanceOf(IllegalArgumentException.class);
      return;
    }
    assertThat(cookie.length()).isLessThanOrEqualTo(512);
    assertThat(cookies.verify(cookie)).isEqualTo(id);
    int i = Math.floorMod(at, cookie.length());
    String changed = cookie.substring(0, i) + replacement + cookie.substring(i + 1);
    if (!changed.equals(cookie)) {
      assertThat(cookies.verify(changed)).as("one character changed at %d", i).isNull();
    }
  }

  private String safeEncode(String id) {
    return cookies.encode(id);
  }
}
