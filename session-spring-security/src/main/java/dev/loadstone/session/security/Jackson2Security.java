package dev.loadstone.session.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.loadstone.session.JsonBinder;
import dev.loadstone.session.JsonSessionCodec;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.security.jackson2.SecurityJackson2Modules;

/** The Jackson 2 side of {@link SecurityCodecs} (Spring Security 6, and 7's deprecated Jackson 2 support). */
final class Jackson2Security {
  private Jackson2Security() {}

  @SuppressWarnings("deprecation") // Spring Security 7 deprecates its Jackson 2 modules; Security 6 has only those
  static void apply(JsonSessionCodec.Builder builder, ObjectMapper applicationMapper, Consumer<ObjectMapper> customizer) {
    Objects.requireNonNull(applicationMapper, "applicationMapper");
    ClassLoader loader = Jackson2Security.class.getClassLoader();
    ObjectMapper security = applicationMapper.copy();
    security.registerModules(SecurityJackson2Modules.getModules(loader)); // switches on Security's default typing
    SimpleModule exceptions = new SimpleModule("loadstone-security-exceptions");
    for (String name : SecurityTypes.EXTRA_EXCEPTIONS) {
      Class<?> type = SecurityTypes.load(name, loader);
      if (type != null) {
        exceptions.setMixInAnnotation(type, AuthenticationExceptionMixin.class); // a mix-in puts it on the allowlist
      }
    }
    security.registerModule(exceptions);
    customizer.accept(security);
    builder.binder(new ByTypeBinder(JsonBinder.jackson(security), JsonBinder.jackson(applicationMapper)));
    SecurityCodecs.registerTypes(builder, loader);
  }
}
