package dev.loadstone.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The default codec: JSON (Jackson) in a small envelope, {@code {"v":value}} for plain values and
 * {@code {"t":"tag","v":value}} for registered record/POJO types, so a registered type round-trips as itself
 * and a renamed or unregistered tag fails to decode (the store then drops that one attribute).
 *
 * <p>Plain values are strings, numbers, booleans, and lists and maps (string keys) of plain values; they come
 * back as {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}/{@code Double}, {@code Boolean},
 * {@code ArrayList} and {@code LinkedHashMap}. Registered types are encoded at the top level of an attribute.
 */
public final class JsonSessionCodec implements SessionCodec {
  private final ObjectMapper mapper;
  private final Map<Class<?>, String> tags;
  private final Map<String, Class<?>> types;

  private JsonSessionCodec(ObjectMapper mapper, Map<Class<?>, String> tags) {
    this.mapper = mapper;
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
    ObjectNode envelope = mapper.createObjectNode();
    String tag = tags.get(value.getClass());
    if (tag != null) {
      envelope.put("t", tag);
    } else {
      checkPlain(value, "value");
    }
    envelope.set("v", mapper.valueToTree(value));
    try {
      return mapper.writeValueAsBytes(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public Object decode(byte[] bytes) {
    JsonNode envelope;
    try {
      envelope = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON session attribute: " + e.getMessage(), e);
    }
    if (envelope == null || !envelope.isObject() || !envelope.has("v")) {
      throw new IllegalArgumentException("not a JSON session attribute envelope (expected: {\"v\":...})");
    }
    JsonNode value = envelope.get("v");
    JsonNode tag = envelope.get("t");
    try {
      if (tag == null) {
        return mapper.treeToValue(value, Object.class);
      }
      Class<?> type = types.get(tag.asText());
      if (type == null) {
        throw new IllegalArgumentException("attribute type tag '" + tag.asText() + "' is not registered (expected one of "
            + types.keySet() + ")");
      }
      return mapper.treeToValue(value, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot decode attribute of tag " + tag + ": " + e.getMessage(), e);
    }
  }

  private void checkPlain(Object value, String path) {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        if (element != null) {
          checkPlain(element, path + "[" + i + "]");
        }
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(path + ": map key " + e.getKey() + " (expected: a String)");
        }
        if (e.getValue() != null) {
          checkPlain(e.getValue(), path + "." + key);
        }
      }
      return;
    }
    throw new IllegalArgumentException(path + ": " + value.getClass().getName()
        + " (expected: String, Number, Boolean, List, Map, or a type registered with the JSON codec: "
        + tags.keySet().stream().map(Class::getName).toList() + ")");
  }

  /** Registers types; each class and each tag at most once. */
  public static final class Builder {
    private final Map<Class<?>, String> tags = new HashMap<>();
    private ObjectMapper mapper;

    private Builder() {}

    /**
     * Registers a record or POJO type under a stable tag (keep the tag when the class is renamed, and the
     * stored attributes keep decoding).
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

    /** The Jackson mapper to use (e.g. with modules for java.time); default a plain {@link ObjectMapper}. */
    public Builder objectMapper(ObjectMapper mapper) {
      if (this.mapper != null) {
        throw new IllegalStateException("objectMapper was already set");
      }
      this.mapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    public JsonSessionCodec build() {
      return new JsonSessionCodec(mapper != null ? mapper : new ObjectMapper(), tags);
    }
  }
}
