package dev.loadstone.session.security;

import dev.loadstone.session.JavaSerializationCodec;
import dev.loadstone.session.JsonSessionCodec;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Codec presets for the values Spring Security keeps in a session: the {@code SecurityContext} (with its
 * authentication token, {@code User}, authorities and {@code WebAuthenticationDetails}), the CSRF token, the saved
 * request (headers, cookies, parameters, locales), the last authentication exception, and the types of Security's
 * optional modules that cover session values (OAuth2 client).
 *
 * <p>JSON (recommended): {@code JsonSessionCodec.builder().apply(SecurityCodecs.jackson3(jsonMapper)).build()} with
 * Jackson 3 (Spring Boot 4), or {@code jackson2(objectMapper)} with Jackson 2 (Spring Boot 3). Security's types are
 * registered under stable tags and bound by a copy of the application's mapper with Spring Security's own Jackson
 * modules (whose default typing is limited to Security's allowlist); the application's own registered types are
 * bound by its mapper unchanged. Plain values keep their Java types ({@code Long} stays {@code Long}). The preset
 * sets the codec's binder: register your own types with {@code register(tag, type)} after applying it.
 *
 * <p>Java serialization: {@code JavaSerializationCodec.builder().apply(SecurityCodecs.javaSerialization())} allows
 * {@code org.springframework.security.**} on top of the JDK's everyday classes. Java serialization of Security's
 * classes is tied to the Security version ({@code serialVersionUID} changes with each minor version), so a rolling
 * upgrade of Spring Security drops the sessions of the other version; JSON does not have that problem.
 */
public final class SecurityCodecs {
  private SecurityCodecs() {}

  /** Security's session values, bound with Jackson 2 ({@code com.fasterxml.jackson.databind}). */
  public static Consumer<JsonSessionCodec.Builder> jackson2(com.fasterxml.jackson.databind.ObjectMapper applicationMapper) {
    return jackson2(applicationMapper, securityMapper -> {});
  }

  /**
   * As {@link #jackson2(com.fasterxml.jackson.databind.ObjectMapper)}; {@code customizer} gets the Security mapper
   * (after Security's modules) to add mix-ins for the application's own principal or authentication types.
   */
  public static Consumer<JsonSessionCodec.Builder> jackson2(com.fasterxml.jackson.databind.ObjectMapper applicationMapper,
      Consumer<com.fasterxml.jackson.databind.ObjectMapper> customizer) {
    return builder -> Jackson2Security.apply(builder, applicationMapper, customizer);
  }

  /** Security's session values, bound with Jackson 3 ({@code tools.jackson.databind}, Spring Security 7). */
  public static Consumer<JsonSessionCodec.Builder> jackson3(tools.jackson.databind.json.JsonMapper applicationMapper) {
    return jackson3(applicationMapper, (mapper, allowed) -> {});
  }

  /**
   * As {@link #jackson3(tools.jackson.databind.json.JsonMapper)}; {@code customizer} gets the Security mapper's
   * builder (for mix-ins) and the type validator's builder (to allow the application's own principal or
   * authentication types, e.g. {@code allowed.allowIfSubType(MyUser.class)}).
   */
  public static Consumer<JsonSessionCodec.Builder> jackson3(tools.jackson.databind.json.JsonMapper applicationMapper,
      BiConsumer<tools.jackson.databind.json.JsonMapper.Builder,
          tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator.Builder> customizer) {
    return builder -> Jackson3Security.apply(builder, applicationMapper, customizer);
  }

  /**
   * Allows {@code org.springframework.security.**} in a Java-serialization codec, and the {@code Throwable} classes
   * a stored login failure ({@code SPRING_SECURITY_LAST_EXCEPTION}) is made of.
   */
  public static Consumer<JavaSerializationCodec.Builder> javaSerialization() {
    return builder -> builder.allowPattern("org.springframework.security.**")
        .allow(Throwable.class, Exception.class, RuntimeException.class, StackTraceElement.class);
  }

  /** Registers every Security session value type that is on the classpath. */
  static void registerTypes(JsonSessionCodec.Builder builder, ClassLoader loader) {
    SecurityTypes.SESSION_VALUES.forEach((tag, name) -> {
      Class<?> type = SecurityTypes.load(name, loader);
      if (type != null) {
        builder.register(tag, type);
      }
    });
  }
}
