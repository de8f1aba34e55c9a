package dev.loadstone.session;

/**
 * Turns attribute values into bytes and back. The default is JSON (Jackson); Java serialization only as an
 * explicit opt-in with a class allowlist. {@link #decode} throws {@link IllegalArgumentException} (or any
 * runtime exception) for bytes it can no longer decode; stores then drop that one attribute and count it.
 */
public interface SessionCodec {
  byte[] encode(Object value);

  Object decode(byte[] bytes);
}
