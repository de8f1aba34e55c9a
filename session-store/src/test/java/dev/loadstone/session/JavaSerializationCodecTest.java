package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaSerializationCodecTest {
  record Allowed(String name, int n) implements Serializable {}

  record NotAllowed(String name) implements Serializable {}

  @Test
  void allowlistedClassesAndJdkCollectionsRoundTrip() {
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of(Allowed.class));
    assertThat(codec.decode(codec.encode(new Allowed("a", 1)))).isEqualTo(new Allowed("a", 1));
    ArrayList<Object> list = new ArrayList<>(List.of("x", 2L));
    assertThat(codec.decode(codec.encode(list))).isEqualTo(list);
  }

  @Test
  void aClassOutsideTheAllowlistIsRejectedOnDecode() {
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of(Allowed.class));
    byte[] bytes = codec.encode(new NotAllowed("gadget"));
    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not allowed");
  }

  @Test
  void nonSerializableValuesAreRefusedOnEncode() {
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of());
    assertThatThrownBy(() -> codec.encode(new Object())).hasMessageContaining("expected: a Serializable type");
  }
}
