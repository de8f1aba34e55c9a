package dev.loadstone.session.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loadstone.session.BlockingSessionStore;
import java.security.SecureRandom;

/**
 * Coverage-guided fuzzing (Jazzer) of the token decoder, signed and encrypted: any presented string opens to
 * nothing (a rejection, never an exception) unless it carries a payload the key sealed; a sealed payload opens to
 * exactly itself, and a token with one character changed opens to nothing or to that same payload (never another);
 * the payload layout decoder refuses any bytes with IllegalArgumentException only, and what it reads re-encodes to
 * bytes it reads the same way; the store's {@code load} of any string completes without throwing.
 */
class TokenDecoderFuzzTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private final KeyRing keys = KeyRing.of("old", new byte[32]).withNewestKey("k1", SECRET);
  private final TokenFormat signed = new TokenFormat(false, new SecureRandom());
  private final TokenFormat sealed = new TokenFormat(true, new SecureRandom());
  private final BlockingSessionStore store = BlockingSessionStore.of(TokenSessionStore.builder().keyRing(keys).build());

  @FuzzTest(maxDuration = "60s", maxExecutions = 20_000)
  void anyTokenOpensOnlyToAPayloadItsKeySealedAndAnyPayloadDecodesOrIsRefused(FuzzedDataProvider data) {
    TokenFormat format = data.consumeBoolean() ? sealed : signed;
    byte[] payload = data.consumeBytes(512);
    int at = data.consumeInt();
    char replacement = data.consumeChar();
    String presented = data.consumeRemainingAsString();

    TokenFormat.Opened any = format.open(presented, keys);
    assertThat(any.payload == null).isEqualTo(any.rejection != null);
    assertThat(store.load(presented)).isNotNull(); // empty or a session: completes, never throws

    String token = format.seal(payload, keys.newest());
    assertThat(format.open(token, keys).payload).isEqualTo(payload);
    int i = Math.floorMod(at, token.length());
    String changed = token.substring(0, i) + replacement + token.substring(i + 1);
    TokenFormat.Opened opened = format.open(changed, keys);
    if (opened.payload != null) {
      // base64 leaves a last character's unused bits free: another spelling of the same token, nothing forged
      assertThat(opened.payload).as("changed at %d: %s", i, changed).isEqualTo(payload);
    }

    TokenPayload decoded;
    try {
      decoded = TokenPayload.decode(payload);
    } catch (IllegalArgumentException refused) {
      return;
    }
    byte[] again = decoded.encode();
    assertThat(TokenPayload.decode(again).encode()).isEqualTo(again);
    // bounded: bytes after the layout are ignored; a modified-UTF-8 field read from 1 byte (a raw NUL) is written
    // back in 2 (C0 80), so re-encoding at most doubles what was read (input kept: ...Inputs/.../nul-in-a-utf-field)
    assertThat(again.length).isLessThanOrEqualTo(2 * payload.length);
  }
}
