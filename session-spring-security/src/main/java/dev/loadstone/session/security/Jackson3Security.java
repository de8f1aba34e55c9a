package dev.loadstone.session.security;

import dev.loadstone.session.Jackson3Binder;
import dev.loadstone.session.JsonSessionCodec;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.springframework.security.jackson.SecurityJacksonModules;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.module.SimpleModule;

/** The Jackson 3 side of {@link SecurityCodecs} (Spring Security 7). */
final class Jackson3Security {
  private Jackson3Security() {}

  static void apply(JsonSessionCodec.Builder builder, JsonMapper applicationMapper,
      BiConsumer<JsonMapper.Builder, BasicPolymorphicTypeValidator.Builder> customizer) {
    Objects.requireNonNull(applicationMapper, "applicationMapper");
    ClassLoader loader = Jackson3Security.class.getClassLoader();
    BasicPolymorphicTypeValidator.Builder allowed = BasicPolymorphicTypeValidator.builder();
    SimpleModule exceptions = new SimpleModule("loadstone-security-exceptions");
    for (String name : SecurityTypes.EXTRA_EXCEPTIONS) {
      Class<?> type = SecurityTypes.load(name, loader);
      if (type != null) {
        exceptions.setMixInAnnotation(type, AuthenticationExceptionMixin.class);
        allowed.allowIfSubType(type);
      }
    }
    JsonMapper.Builder security = applicationMapper.rebuild().addModule(exceptions);
    customizer.accept(security, allowed);
    // Security's modules, and last the one that switches on default typing with the validator built from `allowed`.
    security.addModules(SecurityJacksonModules.getModules(loader, allowed));
    builder.binder(new ByTypeBinder(Jackson3Binder.of(security.build()), Jackson3Binder.of(applicationMapper)));
    SecurityCodecs.registerTypes(builder, loader);
  }
}
