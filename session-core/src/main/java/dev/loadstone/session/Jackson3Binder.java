package dev.loadstone.session;

import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * {@link JsonBinder} over a Jackson 3 mapper ({@code tools.jackson.databind}, Spring Boot 4's JSON library),
 * with whatever modules and settings it has. Jackson 3 is an optional dependency of session-core: this class is
 * only loaded by applications that call it.
 *
 * <pre>{@code
 * JsonSessionCodec codec = JsonSessionCodec.builder()
 *     .binder(Jackson3Binder.of(jsonMapper))   // the application's tools.jackson.databind.json.JsonMapper
 *     .register("cart", Cart.class)
 *     .build();
 * }</pre>
 */
public final class Jackson3Binder {
  private Jackson3Binder() {}

  /** A binder over {@code mapper}. */
  public static JsonBinder of(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return new JsonBinder() {
      @Override
      public String write(Object value) {
        try {
          return mapper.writeValueAsString(value);
        } catch (JacksonException e) {
          throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
              + e.getOriginalMessage(), e);
        }
      }

      @Override
      public Object read(String json, Class<?> type) {
        try {
          return mapper.readValue(json, type);
        } catch (JacksonException e) {
          throw new IllegalArgumentException("cannot read " + type.getName() + " from JSON: " + e.getOriginalMessage(), e);
        }
      }

      @Override
      public String toString() {
        return "Jackson3Binder.of(" + mapper.getClass().getSimpleName() + ")";
      }
    };
  }
}
