package dev.loadstone.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The JSON codec with registered types bound by a Jackson 3 mapper (Spring Boot 4's JSON library). */
class Jackson3BinderTest {
  record Line(String sku, long quantity) {}

  record Cart(String owner, List<Line> lines, LocalDate created) {}

  private final JsonSessionCodec codec = JsonSessionCodec.builder()
      .binder(Jackson3Binder.of(JsonMapper.builder().build())) // Jackson 3 binds java.time without a module
      .register("cart", Cart.class)
      .register("line", Line.class)
      .build();

  @Test
  void registeredTypesRoundTripThroughAJackson3Mapper() {
    Cart cart = new Cart("alice", List.of(new Line("a-1", 3L)), LocalDate.of(2026, 1, 2));
    assertThat(codec.decode(codec.encode(cart))).isEqualTo(cart);
    assertThat(codec.decode(codec.encode(Map.of("saved", cart)))).isEqualTo(Map.of("saved", cart));
  }

  @Test
  void encodingADecodedValueGivesTheSameBytes() {
    byte[] first = codec.encode(List.of(new Line("b", 1L << 40), 7L));
    assertThat(codec.encode(codec.decode(first))).isEqualTo(first);
  }

  @Test
  void aValueThatDoesNotBindIsAnIllegalArgumentNamingTheType() {
    byte[] wrong = "{\"t\":\"line\",\"v\":{\"quantity\":\"many\"}}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read " + Line.class.getName());
  }
}
