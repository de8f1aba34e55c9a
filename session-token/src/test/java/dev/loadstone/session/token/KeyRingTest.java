package dev.loadstone.session.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {
  static String key(int fill, int length) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) fill);
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Test
  void theLastListedKeySignsAndAllAreKept() {
    KeyRing ring = KeyRing.parse("# rotation\nold=" + key(1, 32) + "\nnew=" + key(2, 48) + "\n");
    assertThat(ring.ids()).containsExactly("old", "new");
    assertThat(ring.signingKeyId()).isEqualTo("new");
  }

  @Test
  void commasAndSpacesSeparateEntriesAndUrlSafeBase64IsAccepted() {
    String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[40]);
    KeyRing ring = KeyRing.parse("a=" + key(1, 32) + ", b=" + urlSafe);
    assertThat(ring.ids()).containsExactly("a", "b");
  }

  @Test
  void aShortKeyIsRefusedNamingItsIdAndLength() {
    assertThatThrownBy(() -> KeyRing.parse("k1=" + key(1, 32) + "\nk2=" + key(1, 16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key 'k2': 16 bytes (expected: at least 32)");
    assertThatThrownBy(() -> KeyRing.of("tiny", new byte[31]))
        .hasMessage("key 'tiny': 31 bytes (expected: at least 32)");
  }

  @Test
  void malformedEntriesAreRefusedWithoutEchoingKeyMaterial() {
    assertThatThrownBy(() -> KeyRing.parse(key(1, 33)))
        .hasMessage("key ring entry #1: no '=' (expected: id=base64key)");
    assertThatThrownBy(() -> KeyRing.parse(key(1, 32)))
        .hasMessage("key id of 43 chars (expected: 1 to 32 of A-Z a-z 0-9 _ -; is the 'id=' missing?)");
    assertThatThrownBy(() -> KeyRing.parse("k=not*base64"))
        .hasMessage("key 'k': not base64 (expected: id=base64key)");
    assertThatThrownBy(() -> KeyRing.parse("k.1=" + key(1, 32)))
        .hasMessage("key id 'k.1' (expected: 1 to 32 of A-Z a-z 0-9 _ -)");
    assertThatThrownBy(() -> KeyRing.parse("k=" + key(1, 32) + ",k=" + key(2, 32)))
        .hasMessage("key ring: key id 'k' listed twice (expected: unique ids)");
    assertThatThrownBy(() -> KeyRing.parse("# nothing\n"))
        .hasMessage("key ring: no keys (expected: at least one id=base64key entry)");
  }

  @Test
  void loadsFromAFileAndFromAnEnvironmentVariable(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "a=" + key(1, 32) + "\nb=" + key(2, 32) + "\n");
    assertThat(KeyRing.fromFile(file).ids()).containsExactly("a", "b");
    assertThat(KeyRing.fromEnvironment("KEYS", Map.of("KEYS", "c=" + key(3, 32))).signingKeyId()).isEqualTo("c");
    assertThatThrownBy(() -> KeyRing.fromEnvironment("MISSING", Map.of()))
        .hasMessage("key ring variable MISSING: not set (expected: id=base64key entries)");
    assertThatThrownBy(() -> KeyRing.fromEnvironment("KEYS", Map.of("KEYS", "c=" + key(3, 8))))
        .hasMessage("key ring variable KEYS: key 'c': 8 bytes (expected: at least 32)");
  }

  @Test
  void rotationAddsANewestKeyAndRemovalDropsOne() {
    KeyRing one = KeyRing.parse("a=" + key(1, 32));
    KeyRing two = one.withNewestKey("b", new byte[32]);
    assertThat(two.ids()).containsExactly("a", "b");
    assertThat(two.without("a").ids()).containsExactly("b");
    assertThatThrownBy(() -> two.without("zz")).hasMessage("key id 'zz' is not in the ring (expected one of [a, b])");
    assertThatThrownBy(() -> two.without("a").without("b"))
        .hasMessage("key ring: no keys (expected: at least one id=base64key entry)");
    assertThat(two.toString()).doesNotContain(key(1, 32)).contains("signing: b");
  }
}
