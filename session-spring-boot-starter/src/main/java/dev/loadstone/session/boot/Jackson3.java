package dev.loadstone.session.boot;

import dev.loadstone.session.Jackson3Binder;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.security.SecurityCodecs;
import org.springframework.beans.factory.ListableBeanFactory;
import tools.jackson.databind.json.JsonMapper;

/** The Jackson 3 half of {@link Codecs}; loaded only when Jackson 3 is on the classpath. */
final class Jackson3 {
  private Jackson3() {}

  /** Boot 4's {@code JsonMapper} bean, or null. */
  static Object applicationMapper(ListableBeanFactory beans) {
    return beans.getBeanProvider(JsonMapper.class).getIfUnique();
  }

  static void apply(JsonSessionCodec.Builder json, Object applicationMapper, boolean security) {
    JsonMapper mapper = applicationMapper != null ? (JsonMapper) applicationMapper : JsonMapper.builder().build();
    if (security) {
      json.apply(SecurityCodecs.jackson3(mapper));
    } else {
      json.binder(Jackson3Binder.of(mapper));
    }
  }
}
