package dev.loadstone.lb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha256Test {

  private static byte[] repeat(int b, int n) {
    byte[] a = new byte[n];
    Arrays.fill(a, (byte) b);
    return a;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String macHex(byte[] key, byte[] message) {
    byte[] out = new byte[32];
    new HmacSha256(key).mac(message, 0, message.length, out, 0);
    return HexFormat.of().formatHex(out);
  }

  @Test
  void matchesTheRfc4231TestVectors() {
    byte[] key25 = new byte[25];
    for (int i = 0; i < 25; i++) {
      key25[i] = (byte) (i + 1);
    }
    assertEquals("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        macHex(repeat(0x0b, 20), ascii("Hi There")));
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        macHex(ascii("Jefe"), ascii("what do ya want for nothing?")));
    assertEquals("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        macHex(repeat(0xaa, 20), repeat(0xdd, 50)));
    assertEquals("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        macHex(key25, repeat(0xcd, 50)));
    assertEquals("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        macHex(repeat(0xaa, 131), ascii("Test Using Larger Than Block-Size Key - Hash Key First")));
    assertEquals("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        macHex(repeat(0xaa, 131), ascii("This is a test using a larger than block-size key and a larger than block-size data."
            + " The key needs to be hashed before being used by the HMAC algorithm.")));
  }

  @Test
  void equalsTheJdksHmacSha256OnRandomKeysAndMessagesAndSlices() throws Exception {
    SplittableRandom random = new SplittableRandom(20261128);
    for (int round = 0; round < 500; round++) {
      byte[] key = new byte[1 + random.nextInt(200)]; // shorter than, equal to and longer than a block
      random.nextBytes(key);
      byte[] message = new byte[random.nextInt(300)];
      random.nextBytes(message);
      int offset = message.length == 0 ? 0 : random.nextInt(message.length);
      int length = random.nextInt(message.length - offset + 1);

      Mac jdk = Mac.getInstance("HmacSHA256");
      jdk.init(new SecretKeySpec(key, "HmacSHA256"));
      jdk.update(message, offset, length);
      byte[] expected = jdk.doFinal();

      HmacSha256 mac = new HmacSha256(key);
      byte[] out = new byte[40];
      mac.mac(message, offset, length, out, 5);
      assertArrayEquals(expected, Arrays.copyOfRange(out, 5, 37), "round " + round);
      // Reused, and copied for another thread: the absorbed pads are never consumed.
      byte[] again = new byte[32];
      mac.mac(message, offset, length, again, 0);
      assertArrayEquals(expected, again, "reuse, round " + round);
      mac.copy().mac(message, offset, length, again, 0);
      assertArrayEquals(expected, again, "copy, round " + round);
    }
  }
}
