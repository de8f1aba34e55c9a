package dev.loadstone.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StickyCookieFormatTest {

  @Test
  void anEncodedCookieCarriesTheJdksHmacSha256OfItsBody() throws Exception {
    byte[] key = new byte[48];
    new SplittableRandom(7).nextBytes(key);
    StickyCookies cookies = StickyCookies.builder().addKey("old", new byte[32]).addKey("k-2026", key).build();
    String cookie = cookies.encode("backend-17", 1_800_000_000L);

    byte[] raw = Base64.getUrlDecoder().decode(cookie);
    int body = raw.length - 32;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update(raw, 0, body);
    assertThat(Arrays.copyOfRange(raw, body, raw.length)).isEqualTo(mac.doFinal());
    assertThat(new String(raw, 2, raw[1], java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("k-2026");
  }

  @Test
  void decodingAgreesWithTheJdksBase64UrlDecoderOnEveryLength() {
    SplittableRandom random = new SplittableRandom(11);
    byte[] out = new byte[384];
    for (int n = 0; n <= 384; n++) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      int length = StickyCookies.decode(encoded, out);
      if (n == 0) {
        assertThat(length).isEqualTo(-1); // an empty cookie is no cookie
      } else {
        assertThat(length).as("length for %d bytes", n).isEqualTo(n);
        assertThat(Arrays.copyOf(out, length)).isEqualTo(bytes);
      }
    }
  }

  @Test
  void decodingRejectsPaddingForeignCharactersBadLengthsNonCanonicalEndingsAndOverlongValues() {
    byte[] out = new byte[384];
    assertThat(StickyCookies.decode(null, out)).isEqualTo(-1);
    assertThat(StickyCookies.decode("QUJD", out)).isEqualTo(3); // "ABC"
    assertThat(StickyCookies.decode("QUI", out)).isEqualTo(2); // "AB"
    assertThat(StickyCookies.decode("QQ", out)).isEqualTo(1); // "A"
    assertThat(StickyCookies.decode("QQ==", out)).isEqualTo(-1); // padding is never issued
    assertThat(StickyCookies.decode("QUI=", out)).isEqualTo(-1);
    assertThat(StickyCookies.decode("QUJDR", out)).isEqualTo(-1); // 4k+1 characters
    assertThat(StickyCookies.decode("QUJ+", out)).isEqualTo(-1); // '+' and '/' are base64, not base64url
    assertThat(StickyCookies.decode("QUJ/", out)).isEqualTo(-1);
    assertThat(StickyCookies.decode("QU\u00e9D", out)).isEqualTo(-1);
    assertThat(StickyCookies.decode("QU D", out)).isEqualTo(-1);
    assertThat(StickyCookies.decode("QR", out)).isEqualTo(-1); // 'R' leaves a set unused bit after "A"
    assertThat(StickyCookies.decode("QUJ", out)).isEqualTo(-1); // 'J' likewise after "AB"
    assertThat(StickyCookies.decode("A".repeat(512), out)).isEqualTo(384);
    assertThat(StickyCookies.decode("A".repeat(516), out)).isEqualTo(-1);
  }
}
