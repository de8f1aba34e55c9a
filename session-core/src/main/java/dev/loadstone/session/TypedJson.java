package dev.loadstone.session;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The value layer of {@link JsonSessionCodec}: JSON that keeps Java types. JSON itself has one number type, so
 * a plain JSON writer turns {@code 5L} into {@code 5}, which comes back as an {@code Integer}, and a {@code
 * BigDecimal} into a double. Here a value whose type JSON would lose is written as a one-field object whose
 * name starts with {@code @}: {@code {"@L":5}}, {@code {"@BD":"1.50"}}, {@code {"@set":[...]}}, {@code
 * {"@instant":"..."}}; {@code Integer}, {@code Double}, {@code String}, {@code Boolean}, lists and maps are
 * written bare (a map with a key starting with {@code @} is wrapped as {@code {"@map":{...}}}). Registered types
 * are {@code {"@t":"tag","v":<the binder's JSON>}}. Decoding gives back the same types, and encoding the
 * decoded value gives the same bytes. Bare numbers written by older versions still decode (as Integer, Long or
 * BigInteger by magnitude, or Double).
 */
final class TypedJson {
  private TypedJson() {}

  private record Scalar(String marker, Class<?> type, Function<Object, String> text, Function<String, Object> parse) {}

  /** Types written as {@code {"@marker":"text"}}. */
  private static final List<Scalar> SCALARS = List.of(
      new Scalar("@BD", BigDecimal.class, Object::toString, BigDecimal::new),
      new Scalar("@BI", BigInteger.class, Object::toString, BigInteger::new),
      new Scalar("@C", Character.class, Object::toString, s -> s.charAt(0)),
      new Scalar("@uuid", UUID.class, Object::toString, UUID::fromString),
      new Scalar("@instant", Instant.class, Object::toString, Instant::parse),
      new Scalar("@duration", Duration.class, Object::toString, Duration::parse),
      new Scalar("@date", LocalDate.class, Object::toString, LocalDate::parse),
      new Scalar("@time", LocalTime.class, Object::toString, LocalTime::parse),
      new Scalar("@datetime", LocalDateTime.class, Object::toString, LocalDateTime::parse),
      new Scalar("@offset", OffsetDateTime.class, Object::toString, OffsetDateTime::parse),
      new Scalar("@zoned", ZonedDateTime.class, Object::toString, ZonedDateTime::parse),
      new Scalar("@locale", Locale.class, v -> ((Locale) v).toLanguageTag(), Locale::forLanguageTag),
      new Scalar("@udate", Date.class, v -> Long.toString(((Date) v).getTime()), s -> new Date(Long.parseLong(s))),
      new Scalar("@bytes", byte[].class, v -> Base64.getEncoder().encodeToString((byte[]) v),
          s -> Base64.getDecoder().decode(s)));

  /** The registered types, by class and by tag. */
  interface Registry {
    String tagOf(Class<?> type);

    Class<?> typeOf(String tag);

    JsonBinder binder();

    List<String> registeredNames();
  }

  static void write(JsonGenerator g, Object value, String path, Registry registry) throws IOException {
    if (value == null) {
      g.writeNull();
      return;
    }
    String tag = registry.tagOf(value.getClass());
    if (tag != null) {
      g.writeStartObject();
      g.writeStringField("@t", tag);
      g.writeFieldName("v");
      g.writeRawValue(registry.binder().write(value));
      g.writeEndObject();
      return;
    }
    if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof Double d) {
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        marker(g, "@D", d.toString());
      }
    } else if (value instanceof Long l) {
      g.writeStartObject();
      g.writeNumberField("@L", l);
      g.writeEndObject();
    } else if (value instanceof Short s) {
      g.writeStartObject();
      g.writeNumberField("@S", s);
      g.writeEndObject();
    } else if (value instanceof Byte b) {
      g.writeStartObject();
      g.writeNumberField("@B", b);
      g.writeEndObject();
    } else if (value instanceof Float f) {
      marker(g, "@F", f.toString());
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (int i = 0; i < list.size(); i++) {
        write(g, list.get(i), path + "[" + i + "]", registry);
      }
      g.writeEndArray();
    } else if (value instanceof Set<?> set) {
      g.writeStartObject();
      g.writeArrayFieldStart("@set");
      int i = 0;
      for (Object element : set) {
        write(g, element, path + "[" + i++ + "]", registry);
      }
      g.writeEndArray();
      g.writeEndObject();
    } else if (value instanceof Map<?, ?> map) {
      writeMap(g, map, path, registry);
    } else {
      for (Scalar s : SCALARS) {
        if (s.type == value.getClass()) {
          marker(g, s.marker, s.text.apply(value));
          return;
        }
      }
      throw new IllegalArgumentException(path + ": " + value.getClass().getName()
          + " (expected: String, Number, Boolean, List, Map, Set, byte[], UUID, Locale, Date, a java.time value, or a "
          + "type registered with the JSON codec: " + registry.registeredNames() + ")");
    }
  }

  private static void writeMap(JsonGenerator g, Map<?, ?> map, String path, Registry registry) throws IOException {
    boolean escape = false;
    for (Object key : map.keySet()) {
      if (!(key instanceof String k)) {
        throw new IllegalArgumentException(path + ": map key " + key + " of " + (key == null ? "null" : key.getClass().getName())
            + " (expected: a String)");
      }
      escape |= k.startsWith("@");
    }
    g.writeStartObject();
    if (escape) {
      g.writeObjectFieldStart("@map");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      g.writeFieldName((String) e.getKey());
      write(g, e.getValue(), path + "." + e.getKey(), registry);
    }
    if (escape) {
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void marker(JsonGenerator g, String marker, String text) throws IOException {
    g.writeStartObject();
    g.writeStringField(marker, text);
    g.writeEndObject();
  }

  static Object read(JsonNode node, Registry registry) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) { // bare: written as an Integer (or by an older version, by magnitude)
      BigInteger n = node.bigIntegerValue();
      if (n.bitLength() < 32) {
        return n.intValue();
      }
      return n.bitLength() < 64 ? (Object) n.longValue() : n;
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        list.add(read(element, registry));
      }
      return list;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    if (!fields.hasNext()) {
      return new LinkedHashMap<>();
    }
    Map.Entry<String, JsonNode> first = fields.next();
    if (!first.getKey().startsWith("@")) {
      return readMap(node, registry);
    }
    return readMarker(first.getKey(), first.getValue(), node, registry);
  }

  private static Object readMarker(String marker, JsonNode value, JsonNode node, Registry registry) {
    switch (marker) {
      case "@t": {
        Class<?> type = registry.typeOf(value.asText());
        if (type == null) {
          throw new IllegalArgumentException("attribute type tag '" + value.asText() + "' is not registered (expected one of "
              + registry.registeredNames() + ")");
        }
        JsonNode bound = node.get("v");
        if (bound == null) {
          throw new IllegalArgumentException("attribute type tag '" + value.asText() + "' has no \"v\" (expected: "
              + "{\"@t\":\"tag\",\"v\":...})");
        }
        return registry.binder().read(bound.toString(), type);
      }
      case "@L":
        return value.longValue();
      case "@S":
        return value.shortValue();
      case "@B":
        return (byte) value.intValue();
      case "@F":
        return Float.parseFloat(value.asText());
      case "@D":
        return Double.parseDouble(value.asText());
      case "@set": {
        Set<Object> set = new LinkedHashSet<>();
        for (JsonNode element : value) {
          set.add(read(element, registry));
        }
        return set;
      }
      case "@map":
        return readMap(value, registry);
      default:
        for (Scalar s : SCALARS) {
          if (s.marker.equals(marker)) {
            return parse(s, value.asText());
          }
        }
        throw new IllegalArgumentException("unknown JSON value marker '" + marker + "'");
    }
  }

  /** The scalar's value, or an IllegalArgumentException naming the marker and the text (not DateTimeException...). */
  private static Object parse(Scalar s, String text) {
    try {
      return s.parse.apply(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("JSON value marker '" + s.marker + "': '" + text + "' is not a "
          + s.type.getSimpleName() + " (" + e.getMessage() + ")", e);
    }
  }

  private static Map<String, Object> readMap(JsonNode node, Registry registry) {
    Map<String, Object> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), read(e.getValue(), registry)));
    return map;
  }
}
