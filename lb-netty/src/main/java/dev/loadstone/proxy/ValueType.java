package dev.loadstone.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How one setting's value is read, the same way from a flag and from YAML: {@link #fromText} is the one
 * converter (a flag's text, or a YAML scalar's text), {@link #fromYaml} first checks the YAML node's shape
 * (a scalar, a sequence, a mapping) and reports a wrong shape as a wrong type. Messages name the key as the
 * user wrote it ({@code connect-timeout}, {@code backends[1].weight}) and what was expected.
 */
interface ValueType<T> {
  /** Converts one text value (a flag's argument or a YAML scalar). */
  T fromText(String key, String text);

  /** What a value looks like, for wrong-type messages: {@code "a duration such as 500ms, 2s or 1m"}. */
  String expected();

  /** Converts a YAML value; by default any scalar is read through {@link #fromText}. */
  default T fromYaml(String key, JsonNode node) {
    if (!node.isValueNode()) {
      throw wrongType(key, node, expected());
    }
    return fromText(key, node.asText());
  }

  /** Converts the flag's arguments (a repeatable flag has several, any other exactly one). */
  default T fromFlags(String key, List<String> args) {
    return fromText(key, args.get(args.size() - 1));
  }

  /**
   * True when a flag's text is checked while the command line is parsed, so that a bad one is a usage error
   * (exit 2, like a missing argument) rather than a configuration error (exit 1): integers, as always.
   */
  default boolean checkedWhenParsed() {
    return false;
  }

  /** True when the flag may be repeated and the YAML value is a sequence. */
  default boolean repeatable() {
    return false;
  }

  static IllegalArgumentException wrongType(String key, JsonNode node, String expected) {
    String got = node.isObject() ? "a mapping" : node.isArray() ? "a sequence" : node.toString();
    return new IllegalArgumentException("key '" + key + "' has the wrong type: " + got + " (expected: " + expected + ")");
  }
}
