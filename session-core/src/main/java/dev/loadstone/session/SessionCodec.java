package dev.loadstone.session;

/**
 * Turns attribute values into bytes and back: the SPI for value formats. The default is {@link
 * JsonSessionCodec}; {@link JavaSerializationCodec} is the explicit opt-in with a class allowlist. A
 * framework preset (Spring Security's types) is configuration of one of them, and another JSON library plugs in
 * as a {@link JsonBinder}, so neither needs a new codec.
 *
 * <p>{@link #encode} throws {@link IllegalArgumentException} naming the value's class when it cannot write it
 * (it is called at {@code setAttribute}, so the application learns at once). {@link #decode} throws {@link
 * IllegalArgumentException} (or any runtime exception) for bytes it can no longer decode, naming the class or
 * tag when it knows it; stores then drop that one attribute for the request, log it, count it, and keep the
 * bytes for nodes that can still read them.
 *
 * <p>Encoding the decoded value should give the same bytes back, so a request that only reads never writes
 * (stores fall back to comparing the decoded states when it does not).
 */
public interface SessionCodec {
  byte[] encode(Object value);

  Object decode(byte[] bytes);
}
