package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer, whose deserialization sanitizer also tries to smuggle its own gadget class into
 * every {@code ObjectInputStream}) of the Java serialization codec with the JDK allowlist only: any bytes decode to
 * an allowed value or are refused with an IllegalArgumentException (never another exception or an Error such as
 * OutOfMemoryError from a forged array length); a decoded value encodes again, and that encoding decodes (or is
 * refused cleanly) to a value that encodes to as many bytes. Seeds: serialized maps, lists, sets, numbers, strings and java.time values
 * ({@code JavaSerializationCodecFuzzTestInputs/}).
 */
class JavaSerializationCodecFuzzTest {
  private final JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of());

  @FuzzTest(maxDuration = "60s", maxExecutions = 20_000)
  void anyBytesDecodeToAnAllowedValueOrAreRefusedAndWhatDecodesEncodesAgain(byte[] bytes) {
    Object value;
    try {
      value = codec.decode(bytes);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    if (value == null) {
      return;
    }
    assertThat(codec.allowed(value.getClass())).as(value.getClass().getName()).isTrue();
    byte[] encoded = codec.encode(value);
    Object decodedAgain;
    try {
      decodedAgain = codec.decode(encoded);
    } catch (IllegalArgumentException refused) {
      // the JDK can build from forged bytes an object it then refuses to read back: a LinkedHashMap whose
      // superclass descriptor is garbage gets load factor 0, written as 0, and HashMap.readObject rejects that
      // (kept as ...Inputs/.../linked-hash-map-without-its-load-factor); refused cleanly all the same
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    byte[] again = codec.encode(decodedAgain);
    assertThat(again.length).isEqualTo(encoded.length);
  }
}
