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
    assertThatThrownBy(() -> codec.encode(List.of("ok", Map.of("deep", new StringBuilder()))))
        .hasMessageContaining("value[1].deep: java.lang.StringBuilder");
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

  record Line(String sku, long quantity, java.math.BigDecimal price) {}

  record Order(String id, java.time.Instant placed, List<Line> lines) {}

  enum Status { OPEN, PAID }

  @Test
  void aMixedObjectGraphComesBackWithEveryJavaType() {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper()
        .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()); // the application's mapper
    JsonSessionCodec withModules = JsonSessionCodec.builder().objectMapper(mapper)
        .register("order", Order.class).register("line", Line.class).register("status", Status.class).build();
    Order order = new Order("o-1", java.time.Instant.parse("2026-01-02T03:04:05.678Z"),
        List.of(new Line("pear", 3L, new java.math.BigDecimal("0.40"))));
    Map<String, Object> graph = new java.util.LinkedHashMap<>();
    graph.put("order", order);
    graph.put("status", Status.PAID);
    graph.put("count", 5L);
    graph.put("small", 5);
    graph.put("ratio", 0.25);
    graph.put("exact", new java.math.BigDecimal("12345678901234567890.1234567890"));
    graph.put("huge", new java.math.BigInteger("123456789012345678901234567890"));
    graph.put("tags", new java.util.LinkedHashSet<>(List.of("a", "b")));
    graph.put("when", java.time.LocalDate.of(2026, 1, 2));
    graph.put("zone", java.time.ZonedDateTime.parse("2026-01-02T03:04:05+01:00[Europe/Paris]"));
    graph.put("for", java.time.Duration.ofMinutes(90));
    graph.put("id", java.util.UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
    graph.put("locale", java.util.Locale.CANADA_FRENCH);
    graph.put("raw", new byte[] {1, 2, 3});
    graph.put("@odd", "a key that looks like a marker");
    graph.put("nested", List.of(Map.of("n", 7L), new Line("fig", 1L, java.math.BigDecimal.ONE)));
    graph.put("nothing", null);
    byte[] bytes = withModules.encode(graph);
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) withModules.decode(bytes);
    assertThat(back.keySet()).containsExactlyElementsOf(graph.keySet());
    graph.forEach((k, v) -> {
      if (v instanceof byte[] b) {
        assertThat((byte[]) back.get(k)).as(k).isEqualTo(b);
      } else {
        assertThat(back.get(k)).as(k).isEqualTo(v);
        if (v != null && !(v instanceof java.util.Collection) && !(v instanceof Map)) { // those: ArrayList, LinkedHash*
          assertThat(back.get(k)).as(k).isInstanceOf(v.getClass());
        }
      }
    });
    assertThat(withModules.encode(back)).as("re-encoding the decoded graph gives the same bytes").isEqualTo(bytes);
  }

  @Test
  void anotherJsonLibraryPlugsInAsABinder() {
    List<String> calls = new ArrayList<>();
    JsonBinder binder = new JsonBinder() {
      @Override
      public String write(Object value) {
        calls.add("write " + value.getClass().getSimpleName());
        return "\"" + ((Cart) value).owner() + "\"";
      }

      @Override
      public Object read(String json, Class<?> type) {
        calls.add("read " + type.getSimpleName() + " " + json);
        return new Cart(json.substring(1, json.length() - 1), List.of());
      }
    };
    JsonSessionCodec custom = JsonSessionCodec.builder().binder(binder).register("cart", Cart.class).build();
    assertThat(custom.decode(custom.encode(List.of(new Cart("zoe", List.of()))))).isEqualTo(List.of(new Cart("zoe", List.of())));
    assertThat(calls).containsExactly("write Cart", "read Cart \"zoe\"");
  }

  @Test
  void valuesWrittenByThePreviousVersionStillDecode() {
    assertThat(codec.decode("{\"v\":5000000000}".getBytes(StandardCharsets.UTF_8))).isEqualTo(5_000_000_000L);
    assertThat(codec.decode("{\"v\":{\"a\":[1,2.5]}}".getBytes(StandardCharsets.UTF_8))).isEqualTo(Map.of("a", List.of(1, 2.5)));
    assertThat(codec.decode("{\"t\":\"cart\",\"v\":{\"owner\":\"x\",\"items\":[]}}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Cart("x", List.of()));
  }

  @Test
  void aMarkerWithTextItsTypeCannotParseIsRefusedWithIllegalArgumentExceptionNamingTheMarkerAndTheText() {
    // found by JsonSessionCodecFuzzTest: a DateTimeParseException (or StringIndexOutOfBoundsException) escaped
    for (String[] c : new String[][] {{"@date", "2026-01-00"}, {"@C", ""}, {"@instant", "yesterday"},
        {"@zoned", "2026-01-01T00:00:00+01:00[Nowhere/Atlantis]"}, {"@duration", "PT"}}) {
      byte[] bytes = ("{\"v\":{\"" + c[0] + "\":\"" + c[1] + "\"}}").getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> codec.decode(bytes)).as(c[0]).isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + c[0] + "'").hasMessageContaining("'" + c[1] + "'");
    }
  }

  @Test
  void aTypeTagWithoutItsValueIsRefusedWithIllegalArgumentException() {
    byte[] nested = "{\"v\":[{\"@t\":\"cart\"}]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(nested)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cart'").hasMessageContaining("no \"v\"");
  }
}
