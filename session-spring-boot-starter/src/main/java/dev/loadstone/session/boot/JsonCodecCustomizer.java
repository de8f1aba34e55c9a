package dev.loadstone.session.boot;

import dev.loadstone.session.JsonSessionCodec;

/**
 * A bean of this type adds to the JSON codec the starter builds: register the application's own types ({@code
 * builder.register("cart", Cart.class)}). The binder is already set (the application's Jackson mapper, with Spring
 * Security's modules for Security's types); define your own {@code SessionCodec} bean to replace it all.
 */
@FunctionalInterface
public interface JsonCodecCustomizer {
  void customize(JsonSessionCodec.Builder builder);
}
