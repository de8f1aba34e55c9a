package dev.loadstone.session.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

class TokenFormatTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @Test
  void aSignedTokenIsExactlyVersionKeyIdPayloadAndTheHmacOfThoseAsComputedByJavaxCryptoMac() throws Exception {
    Random random = new Random(42);
    for (int size : new int[] {0, 1, 2, 3, 55, 56, 64, 200, 1024, 3584}) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      TokenKey key = TokenKey.create("key-" + size, secret);
      byte[] payload = new byte[size];
      random.nextBytes(payload);

      String token = new TokenFormat(false, new SecureRandom()).seal(payload, key);

      String signed = "v1.key-" + size + "." + B64.encodeToString(payload);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key.macKey());
      String expected = signed + "." + B64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
      assertThat(token).isEqualTo(expected);
      TokenFormat.Opened opened = new TokenFormat(false, new SecureRandom()).open(token, KeyRing.of("key-" + size,
          secret));
      assertThat(opened.rejection).isNull();
      assertThat(opened.payload).isEqualTo(payload);
    }
  }

  @Test
  void aSignedTokenWithOneFlippedTagOrPayloadCharacterIsRejectedAsBadTag() {
    byte[] secret = new byte[32];
    new Random(7).nextBytes(secret);
    KeyRing ring = KeyRing.of("k", secret);
    TokenFormat format = new TokenFormat(false, new SecureRandom());
    String token = format.seal(new byte[100], ring.newest());
    int payloadChar = token.indexOf('.', 3) + 5;
    int tagChar = token.length() - 2;
    for (int i : new int[] {payloadChar, tagChar}) {
      char c = token.charAt(i);
      String tampered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
      assertThat(format.open(tampered, ring).rejection).isEqualTo(Rejection.BAD_TAG);
    }
  }
}
