package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Coverage-guided fuzzing (Jazzer) of the JSON session codec: any bytes decode to a value or are refused with an
 * IllegalArgumentException that says why (never another exception or an Error); a decoded value encodes again, and
 * that encoding is stable (decoding and encoding it gives the same bytes and an equal value). Regression inputs:
 * {@code JsonSessionCodecFuzzTestInputs/}.
 */
class JsonSessionCodecFuzzTest {
  record Point(int x, int y) {}

  private final JsonSessionCodec codec = JsonSessionCodec.builder().register("point", Point.class).build();

  @FuzzTest(maxDuration = "60s", maxExecutions = 20_000)
  void anyBytesDecodeOrAreRefusedWithAReasonAndWhatDecodesEncodesStably(byte[] bytes) {
    Object value;
    try {
      value = codec.decode(bytes);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    if (value == null) {
      return; // {"v":null}: no attribute
    }
    byte[] encoded = codec.encode(value);
    Object again = codec.decode(encoded);
    assertThat(same(again, value)).as("%s decoded again as %s", value, again).isTrue();
    assertThat(codec.encode(again)).isEqualTo(encoded);
  }

  /** Equal, comparing arrays by content inside lists and maps too (sets by their own equals). */
  private static boolean same(Object a, Object b) {
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!same(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return Objects.deepEquals(a, b);
  }
}
