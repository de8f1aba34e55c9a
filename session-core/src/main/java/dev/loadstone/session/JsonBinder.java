package dev.loadstone.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * Binds the types registered with {@link JsonSessionCodec} to JSON text and back: the seam where the
 * application's JSON library and its configuration come in (modules, mixins, polymorphic type handling, such
 * as Spring Security's Jackson modules). The codec's own envelope and the type markers of plain values do not
 * depend on it, so a binder over another library or another major version (Jackson 3's {@code
 * tools.jackson.databind.json.JsonMapper} under Spring Boot 4) plugs in without changing the codec.
 */
public interface JsonBinder {
  /** The JSON text of {@code value} (one JSON value, compact; the same value must give the same text). */
  String write(Object value);

  /** {@code json} bound to {@code type}; throws {@link IllegalArgumentException} when it does not bind. */
  Object read(String json, Class<?> type);

  /** A binder over a Jackson 2 mapper, with whatever modules and settings it has. */
  static JsonBinder jackson(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return new JsonBinder() {
      @Override
      public String write(Object value) {
        try {
          return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
              + e.getOriginalMessage(), e);
        }
      }

      @Override
      public Object read(String json, Class<?> type) {
        try {
          return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("cannot read " + type.getName() + " from JSON: " + e.getOriginalMessage(), e);
        }
      }

      @Override
      public String toString() {
        return "JsonBinder.jackson(" + mapper.getClass().getSimpleName() + ")";
      }
    };
  }
}
