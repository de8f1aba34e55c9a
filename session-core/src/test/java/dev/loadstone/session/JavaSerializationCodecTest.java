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
  void nonSerializableValuesAreRefusedOnEncode() {
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of());
    assertThatThrownBy(() -> codec.encode(new Object())).hasMessageContaining("expected: a Serializable type");
  }


  @Test
  void everydayJdkCollectionsMapsAndJavaTimeValuesRoundTrip() {
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of(Allowed.class));
    java.util.Map<String, Object> graph = new java.util.LinkedHashMap<>();
    graph.put("hashMap", new java.util.HashMap<>(java.util.Map.of("a", 1, "b", 2L)));
    graph.put("hashSet", new java.util.HashSet<>(java.util.Set.of("x", "y")));
    graph.put("linkedHashMap", new java.util.LinkedHashMap<>(java.util.Map.of("k", "v")));
    graph.put("treeMap", new java.util.TreeMap<>(java.util.Map.of("k", "v")));
    graph.put("setOf", java.util.Set.of("s1", "s2", "s3"));
    graph.put("mapOf", java.util.Map.of("m", 1, "n", 2, "o", 3));
    graph.put("listOf", List.of(1, 2, 3));
    graph.put("unmodifiableList", java.util.Collections.unmodifiableList(new ArrayList<>(List.of("u"))));
    graph.put("unmodifiableMap", java.util.Collections.unmodifiableMap(new java.util.HashMap<>(java.util.Map.of("u", 1))));
    graph.put("unmodifiableSet", java.util.Collections.unmodifiableSet(new java.util.HashSet<>(java.util.Set.of("u"))));
    graph.put("asList", java.util.Arrays.asList("p", "q"));
    graph.put("instant", java.time.Instant.parse("2026-01-02T03:04:05.123456789Z"));
    graph.put("duration", java.time.Duration.ofMinutes(90));
    graph.put("localDate", java.time.LocalDate.of(2026, 1, 2));
    graph.put("localDateTime", java.time.LocalDateTime.of(2026, 1, 2, 3, 4));
    graph.put("zoned", java.time.ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, java.time.ZoneId.of("Europe/Paris")));
    graph.put("offset", java.time.OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, java.time.ZoneOffset.ofHours(2)));
    graph.put("locale", java.util.Locale.CANADA_FRENCH);
    graph.put("caseInsensitive", new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER));
    graph.put("ints", new int[] {1, 2, 3});
    graph.put("strings", new String[] {"a", "b"});
    graph.put("record", new Allowed("r", 7));
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> back = (java.util.Map<String, Object>) codec.decode(codec.encode(new java.util.HashMap<>(graph)));
    assertThat(back.keySet()).isEqualTo(graph.keySet());
    graph.forEach((name, value) -> {
      if (value instanceof int[] ints) {
        assertThat((int[]) back.get(name)).as(name).isEqualTo(ints);
      } else if (value instanceof String[] strings) {
        assertThat((String[]) back.get(name)).as(name).isEqualTo(strings);
      } else {
        assertThat(back.get(name)).as(name).isEqualTo(value);
      }
    });
  }

  @Test
  void aValueOutsideTheAllowlistIsRefusedAtEncodeNamingTheClass() {
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of(Allowed.class));
    assertThatThrownBy(() -> codec.encode(new ArrayList<>(List.of(new NotAllowed("x")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NotAllowed.class.getName());
  }

  @Test
  void aRejectedValueNamesItsClassOnDecode() {
    JavaSerializationCodec lenient = JavaSerializationCodec.allowing(List.of(NotAllowed.class));
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of(Allowed.class));
    byte[] bytes = lenient.encode(new NotAllowed("gadget"));
    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NotAllowed.class.getName());
  }

  @Test
  void aCraftedHugeArrayIsRejectedWithoutAllocatingIt() throws Exception {
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of());
    byte[] bytes = codec.encode(new long[] {1, 2, 3});
    // patch the array length (the 4 bytes before the first element) to Integer.MAX_VALUE - 8
    int at = bytes.length - 3 * 8 - 4;
    java.nio.ByteBuffer.wrap(bytes).putInt(at, Integer.MAX_VALUE - 8);
    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("array");
  }

  @Test
  void aForgedNegativeArrayLengthIsRefusedWithIllegalArgumentExceptionNotNegativeArraySizeException() throws Exception {
    // found by JavaSerializationCodecFuzzTest: the filter let a negative length through to Array.newInstance
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of());
    byte[] bytes = codec.encode(new int[] {1, 2, 3});
    int length = bytes.length - 3 * 4 - 4; // the array length precedes its three ints
    for (int forged : new int[] {-1, -16, Integer.MIN_VALUE}) {
      java.nio.ByteBuffer.wrap(bytes).putInt(length, forged);
      assertThatThrownBy(() -> codec.decode(bytes)).as("length %d", forged).isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(forged == -1 ? "NegativeArraySizeException" : "array of negative length " + forged);
    }
  }

  @Test
  void aForgedMapOfWithAnOddLengthIsRefusedWithIllegalArgumentExceptionNotAnInternalError() {
    // found by JavaSerializationCodecFuzzTest in CI: a LinkedHashMap holding Map.of data (CollSer) whose element
    // count is odd made the JDK's readResolve throw java.lang.InternalError ("length is odd"), an Error
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of());
    byte[] bytes = java.util.Base64.getDecoder().decode("rO0ABXNyABdqYXZhLnV0aWwuTGlua2VkSGFzaE1hcDTATlwQbMD7AgABWgALYWNjZXNzT3JkZXJ4cgAR"
        + "amF2YS51dGlsLkhhc2hNYXAFB9rBwxZg0QMAAkYACmxvYWRGYWN0b3JJAAl0aHJlc2hvbGR4cD9AAAAAAAABdwgAAAACAAAAAXQAAWtzcgAR"
        + "amF2YS51dGlsLkNvbGxTZXJXjqu2OhuoEQMAAUkAA3RhZ3hwAAAAA3cEAAAAAXQAAXZ4eAA=");
    assertThatThrownBy(() -> codec.decode(bytes)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("InternalError: length is odd");
  }

  @Test
  void aStreamHoldingOnlyAClassOrAClassDescriptorIsRefusedInsteadOfDecodingToAValueOutsideTheAllowlist()
      throws Exception {
    // found by JavaSerializationCodecFuzzTest: TC_CLASSDESC decoded to a java.io.ObjectStreamClass
    JavaSerializationCodec codec = JavaSerializationCodec.allowing(List.of());
    for (Object handle : new Object[] {java.io.ObjectStreamClass.lookup(Integer.class), Integer.class}) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(out)) {
        o.writeObject(handle);
      }
      assertThatThrownBy(() -> codec.decode(out.toByteArray())).as(handle.getClass().getName())
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("class " + handle.getClass().getName() + " is not in the allowlist");
    }
  }
}
