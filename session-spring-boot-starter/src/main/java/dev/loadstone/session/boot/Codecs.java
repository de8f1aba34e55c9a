package dev.loadstone.session.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadstone.session.JavaSerializationCodec;
import dev.loadstone.session.JsonBinder;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.SessionCodec;
import dev.loadstone.session.security.SecurityCodecs;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The codec the starter builds. JSON: bound with the application's Jackson (a Jackson 3 {@code JsonMapper} bean
 * under Boot 4, a Jackson 2 {@code ObjectMapper} bean under Boot 3, else a default mapper of whichever is there),
 * with Spring Security's preset when Security is on the classpath; then {@code codec.types} and the {@link
 * JsonCodecCustomizer} beans. Java: the allowlist of {@code codec.allow}, plus Spring Security's packages.
 */
final class Codecs {
  private static final ClassLoader LOADER = Codecs.class.getClassLoader();
  static final boolean SECURITY = ClassUtils.isPresent("org.springframework.security.core.context.SecurityContextImpl", LOADER)
      && ClassUtils.isPresent("org.springframework.security.web.csrf.DefaultCsrfToken", LOADER);
  private static final boolean JACKSON3 = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper", LOADER);
  private static final boolean SECURITY_JACKSON3 =
      ClassUtils.isPresent("org.springframework.security.jackson.SecurityJacksonModules", LOADER);

  private Codecs() {}

  static SessionCodec build(LoadstoneSessionProperties.Codec settings, ListableBeanFactory beans,
      List<JsonCodecCustomizer> customizers) {
    boolean security = SECURITY && settings.isSpringSecurity();
    if (settings.getType() == LoadstoneSessionProperties.CodecType.JAVA) {
      JavaSerializationCodec.Builder java = JavaSerializationCodec.builder();
      if (security) {
        java.apply(SecurityCodecs.javaSerialization());
      }
      settings.getAllow().forEach(java::allowPattern);
      return java.build();
    }
    JsonSessionCodec.Builder json = JsonSessionCodec.builder();
    Object jackson3 = JACKSON3 ? Jackson3.applicationMapper(beans) : null;
    ObjectMapper jackson2 = beans.getBeanProvider(ObjectMapper.class).getIfUnique();
    // The application's mapper (Jackson 3's first); with neither bean, Jackson 3 when it is there. Spring Security 6
    // has Jackson 2 modules only: then its types (and the application's) are bound with Jackson 2.
    boolean useJackson3 = (jackson3 != null || (jackson2 == null && JACKSON3)) && (!security || SECURITY_JACKSON3);
    if (useJackson3) {
      Jackson3.apply(json, jackson3, security);
    } else {
      ObjectMapper mapper = jackson2 != null ? jackson2 : new ObjectMapper();
      if (security) {
        json.apply(SecurityCodecs.jackson2(mapper));
      } else {
        json.binder(JsonBinder.jackson(mapper));
      }
    }
    settings.getTypes().forEach(json::register);
    customizers.forEach(c -> c.customize(json));
    return json.build();
  }
}
