package dev.loadstone.session.spi;

import dev.loadstone.session.JavaSerializationCodec;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.SessionCodec;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The codec the settings name: {@code codec} = {@code json} (default; {@code codec.types} registers {@code
 * tag=class} pairs), {@code java} ({@code codec.allow} lists classes and {@code pkg.*}/{@code pkg.**} patterns),
 * or the class of a {@link SessionCodec} or {@code Supplier<SessionCodec>} (a framework preset, for one).
 */
final class CodecSettings {
  private CodecSettings() {}

  static SessionCodec codec(StoreSettings s) {
    String kind = Objects.requireNonNullElse(s.get("codec"), "json");
    switch (kind) {
      case "json": {
        JsonSessionCodec.Builder json = JsonSessionCodec.builder();
        for (String entry : s.list("codec.types")) {
          int eq = entry.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("codec.types: '" + entry + "' (expected: tag=fully.qualified.Class)");
          }
          json.register(entry.substring(0, eq), s.loadClass("codec.types", entry.substring(eq + 1)));
        }
        return json.build();
      }
      case "java": {
        JavaSerializationCodec.Builder java = JavaSerializationCodec.builder();
        for (String entry : s.list("codec.allow")) {
          java.allowPattern(entry);
        }
        return java.build();
      }
      default: {
        Object codec = s.instantiate("codec", kind, Object.class);
        if (codec instanceof SessionCodec c) {
          return c;
        }
        if (codec instanceof Supplier<?> supplier && supplier.get() instanceof SessionCodec c) {
          return c;
        }
        throw new IllegalArgumentException("codec: " + kind + " (expected: json, java, or a SessionCodec or "
            + "Supplier<SessionCodec> class)");
      }
    }
  }
}
