package dev.loadstone.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The default codec: JSON that keeps Java types ({@code 5L} stays a {@code Long}, a {@code BigDecimal} stays
 * one with its scale, a {@code Set} a set, {@code java.time} values themselves; see {@link TypedJson}), in a
 * small envelope: {@code {"v":value}}, or {@code {"t":"tag","v":...}} for a registered record/POJO type. A
 * registered type round-trips as itself (at the top or nested in lists and maps) and a renamed or unregistered
 * tag fails to decode, so the store drops that one attribute for the request and keeps its bytes. Encoding a
 * decoded value gives the same bytes, so a request that only reads writes nothing.
 *
 * <p>Registered types are bound by a {@link JsonBinder}: by default a plain Jackson {@link ObjectMapper}, or
 * the application's own through {@link Builder#objectMapper} (with its modules, e.g. {@code JavaTimeModule}, or
 * Spring Security's), or any other library through {@link Builder#binder}.
 */
public final class JsonSessionCodec implements SessionCodec {
  /** The codec's own JSON handling: exact decimals, never the application's mapper settings. */
  private static final JsonMapper ENVELOPE = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();
  private static final ObjectReader READER = ENVELOPE.readerFor(JsonNode.class);
  private static final JsonFactory FACTORY = ENVELOPE.getFactory();

  private final JsonBinder binder;
  private final Map<Class<?>, String> tags;
  private final Map<String, Class<?>> types;
  private final Registered registry = new Registered();

  private JsonSessionCodec(JsonBinder binder, Map<Class<?>, String> tags) {
    this.binder = binder;
    this.tags = Map.copyOf(tags);
    Map<String, Class<?>> byTag = new HashMap<>();
    tags.forEach((type, tag) -> byTag.put(tag, type));
    this.types = Map.copyOf(byTag);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public byte[] encode(Object value) {
    Objects.requireNonNull(value, "value");
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      String tag = tags.get(value.getClass());
      if (tag != null) { // top-level registered values keep the envelope older versions wrote
        g.writeStringField("t", tag);
        g.writeFieldName("v");
        g.writeRawValue(binder.write(value));
      } else {
        g.writeFieldName("v");
        TypedJson.write(g, value, "value", registry);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes) {
    JsonNode envelope;
    try {
      envelope = READER.readValue(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON session attribute: " + e.getMessage(), e);
    }
    if (envelope == null || !envelope.isObject() || !envelope.has("v")) {
      throw new IllegalArgumentException("not a JSON session attribute envelope (expected: {\"v\":...})");
    }
    JsonNode tag = envelope.get("t");
    if (tag == null) {
      return TypedJson.read(envelope.get("v"), registry);
    }
    Class<?> type = types.get(tag.asText());
    if (type == null) {
      throw new IllegalArgumentException("attribute type tag '" + tag.asText() + "' is not registered (expected one of "
          + types.keySet() + ")");
    }
    return binder.read(envelope.get("v").toString(), type);
  }

  /** The registered types, as the value layer sees them. */
  private final class Registered implements TypedJson.Registry {
    @Override
    public String tagOf(Class<?> type) {
      return tags.get(type);
    }

    @Override
    public Class<?> typeOf(String tag) {
      return types.get(tag);
    }

    @Override
    public JsonBinder binder() {
      return binder;
    }

    @Override
    public List<String> registeredNames() {
      return tags.keySet().stream().map(Class::getName).sorted().toList();
    }
  }

  /** Registers types; each class and each tag at most once. */
  public static final class Builder {
    private final Map<Class<?>, String> tags = new HashMap<>();
    private JsonBinder binder;

    private Builder() {}

    /**
     * Registers a record, POJO or enum type under a stable tag (keep the tag when the class is renamed, and the
     * stored attributes keep decoding). Exactly this class: a subclass needs its own tag.
     */
    public Builder register(String tag, Class<?> type) {
      Objects.requireNonNull(tag, "tag");
      Objects.requireNonNull(type, "type");
      if (tag.isEmpty()) {
        throw new IllegalArgumentException("tag: \"\" (expected: a non-empty name)");
      }
      if (tags.containsKey(type)) {
        throw new IllegalStateException("type " + type.getName() + " was already registered as '" + tags.get(type) + "'");
      }
      if (tags.containsValue(tag)) {
        throw new IllegalStateException("tag '" + tag + "' was already registered");
      }
      tags.put(type, tag);
      return this;
    }

    /** Binds the registered types with this Jackson 2 mapper (its modules and settings); default a plain one. */
    public Builder objectMapper(ObjectMapper mapper) {
      return binder(JsonBinder.jackson(mapper));
    }

    /** Binds the registered types with any JSON library (Jackson 3, for one). */
    public Builder binder(JsonBinder binder) {
      if (this.binder != null) {
        throw new IllegalStateException("objectMapper/binder was already set");
      }
      this.binder = Objects.requireNonNull(binder, "binder");
      return this;
    }

    /** Applies a preset (a framework's types and the mapper that binds them). */
    public Builder apply(Consumer<Builder> preset) {
      preset.accept(this);
      return this;
    }

    public JsonSessionCodec build() {
      return new JsonSessionCodec(binder != null ? binder : JsonBinder.jackson(new ObjectMapper()), tags);
    }
  }
}
