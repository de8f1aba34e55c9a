package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSessionCodecTest {
  record Cart(String owner, List<String> items) {}

  static final class Pojo {
    public String name;
    public int count;
  }

  private final JsonSessionCodec codec = JsonSessionCodec.builder().register("cart", Cart.class).register("pojo", Pojo.class).build();

  @Test
  void plainValuesRoundTrip() {
    assertThat(codec.decode(codec.encode("alice"))).isEqualTo("alice");
    assertThat(codec.decode(codec.encode(42))).isEqualTo(42);
    assertThat(codec.decode(codec.encode(1L << 40))).isEqualTo(1L << 40);
    assertThat(codec.decode(codec.encode(2.5))).isEqualTo(2.5);
    assertThat(codec.decode(codec.encode(true))).isEqualTo(true);
    assertThat(codec.decode(codec.encode(List.of("a", 1, Map.of("k", false))))).isEqualTo(List.of("a", 1, Map.of("k", false)));
    assertThat(codec.decode(codec.encode(Map.of("n", List.of(1, 2))))).isEqualTo(Map.of("n", List.of(1, 2)));
  }

  @Test
  void registeredRecordsAndPojosComeBackAsTheirType() {
    Cart cart = new Cart("bob", List.of("apple", "pear"));
    assertThat(codec.decode(codec.encode(cart))).isEqualTo(cart);
    Pojo p = new Pojo();
    p.name = "x";
    p.count = 3;
    Object back = codec.decode(codec.encode(p));
    assertThat(back).isInstanceOf(Pojo.class);
    assertThat(((Pojo) back).count).isEqualTo(3);
    assertThat(new String(codec.encode(cart), StandardCharsets.UTF_8)).startsWith("{\"t\":\"cart\",\"v\":");
  }

  @Test
  void unregisteredTypeIsRefusedNamingTheTypeAndWhatIsExpected() {
    assertThatThrownBy(() -> codec.encode(new StringBuilder("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.StringBuilder")
        .hasMessageContaining("expected: String, Number, Boolean, List, Map");
    assertThatThrownBy(() -> codec.encode(List.of(new Cart("a", List.of()))))
        .hasMessageContaining("value[0]");
  }

  @Test
  void bytesOfAnUnknownTagOrGarbageDoNotDecode() {
    byte[] otherDeploy = JsonSessionCodec.builder().register("renamed", Cart.class).build().encode(new Cart("a", new ArrayList<>()));
    assertThatThrownBy(() -> codec.decode(otherDeploy)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'renamed'");
    assertThatThrownBy(() -> codec.decode("nope".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registeringATagTwiceIsAnError() {
    assertThatThrownBy(() -> JsonSessionCodec.builder().register("a", Cart.class).register("a", Pojo.class))
        .hasMessage("tag 'a' was already registered");
  }

  // ---------------------------------------------------------------- regression tests (issue 10)

  @Test
  void numbersKeepTheirJavaTypeSoALongStaysALongAndABigDecimalStaysABigDecimal() {
    assertThat(codec.decode(codec.encode(5L))).isInstanceOf(Long.class).isEqualTo(5L);
    java.math.BigDecimal big = new java.math.BigDecimal("12345678901234567890.123456789");
    assertThat(codec.decode(codec.encode(big))).isInstanceOf(java.math.BigDecimal.class).isEqualTo(big);
    assertThat(codec.decode(codec.encode(new java.math.BigDecimal("1.50")))).isEqualTo(new java.math.BigDecimal("1.50"));
    assertThat(codec.decode(codec.encode(List.of(1L, 2, 3.5f)))).isEqualTo(List.of(1L, 2, 3.5f));
    assertThat(codec.decode(codec.encode(Map.of("n", 7L)))).isEqualTo(Map.of("n", 7L));
  }

  @Test
  void decodingThenEncodingGivesTheSameBytes() {
    Object value = Map.of("price", new java.math.BigDecimal("12345678901234567890.123456789"), "n", 1L << 60,
        "d", 0.1, "list", List.of(1, 2L, "x"));
    byte[] bytes = codec.encode(value);
    assertThat(codec.encode(codec.decode(bytes))).isEqualTo(bytes);
  }
}
