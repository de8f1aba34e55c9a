package dev.loadstone.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadstone.lb.Backend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The shared converters of the settings table ({@link Settings}): one per kind of value. */
final class ValueTypes {
  private ValueTypes() {}

  static final ValueType<Duration> DURATION = of("a duration such as 500ms, 2s or 1m", Durations::parse);
  static final ValueType<Long> SIZE = of("a size in bytes such as 0, 1048576, 64k, 10m or 1g", Durations::parseSize);
  static final ValueType<InetSocketAddress> ADDRESS = of("host:port", Addresses::parse);
  static final ValueType<String> STRING = of("a string", (key, text) -> text);
  static final ValueType<Path> PATH = of("a file name", (key, text) -> Path.of(text));
  static final ValueType<Algorithm> ALGORITHM = of("an algorithm name", (key, text) -> Algorithm.parse(text));
  /** An IP network; the text is kept (the builder takes strings) once it parsed. */
  static final ValueType<String> CIDR = of("an IP network such as 10.0.0.0/8", (key, text) -> Cidr.parse(key, text).toString());
  static final ValueType<String> HEADER_NAME = of("a header name", ValueTypes::headerName);

  /** {@code true} or {@code false}: a YAML boolean, or that text in a flag. */
  static final ValueType<Boolean> BOOLEAN = new ValueType<>() {
    @Override
    public Boolean fromText(String key, String text) {
      String t = text == null ? "" : text.trim();
      if (!t.equals("true") && !t.equals("false")) {
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: true or false)");
      }
      return Boolean.parseBoolean(t);
    }

    @Override
    public Boolean fromYaml(String key, JsonNode node) {
      if (!node.isBoolean()) {
        throw ValueType.wrongType(key, node, expected());
      }
      return node.booleanValue();
    }

    @Override
    public String expected() {
      return "true or false";
    }
  };

  /** A whole number; in YAML it must be written as one ({@code retries: 2}, not {@code "2"} or {@code 2.5}). */
  static final ValueType<Integer> INT = new ValueType<>() {
    @Override
    public Integer fromText(String key, String text) {
      String t = text == null ? "" : text.trim();
      if (!t.matches("-?[0-9]{1,10}") || Long.parseLong(t) != (int) Long.parseLong(t)) {
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: an integer)");
      }
      return Integer.parseInt(t);
    }

    @Override
    public Integer fromYaml(String key, JsonNode node) {
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        throw ValueType.wrongType(key, node, expected());
      }
      return node.intValue();
    }

    @Override
    public String expected() {
      return "an integer";
    }

    @Override
    public boolean checkedWhenParsed() {
      return true;
    }
  };

  /**
   * Backends: {@code host:port[,weight=N][,id=NAME]} (a flag, or a YAML string) or a YAML mapping {@code
   * {address, weight, id}}.
   */
  static final ValueType<List<Backend>> BACKENDS = list(new ValueType<>() {
    @Override
    public Backend fromText(String key, String text) {
      return BackendSpec.parse(text);
    }

    @Override
    public Backend fromYaml(String key, JsonNode node) {
      return node.isObject() ? backend(key, node) : node.isTextual() ? fromText(key, node.asText()) : invalid(key, node);
    }

    private Backend invalid(String key, JsonNode node) {
      throw new IllegalArgumentException(key + ": " + node + " (expected: " + expected() + ")");
    }

    @Override
    public String expected() {
      return "'host:port[,weight=N][,id=NAME]' or {address, weight, id}";
    }
  });

  /** Sticky-cookie signing keys, YAML only (a secret on a command line is visible to every local user). */
  static final ValueType<Map<String, byte[]>> STICKY_KEYS = new ValueType<>() {
    @Override
    public Map<String, byte[]> fromText(String key, String text) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: " + expected() + ")");
    }

    @Override
    public Map<String, byte[]> fromYaml(String key, JsonNode node) {
      if (!node.isArray()) {
        throw ValueType.wrongType(key, node, expected());
      }
      Map<String, byte[]> keys = new LinkedHashMap<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode k = node.get(i);
        String at = key + "[" + i + "]";
        Map<String, JsonNode> fields = fields(at, k, List.of("id", "secret"), expected());
        String id = text(at + ".id", fields.get("id"));
        if (keys.put(id, base64(key + " '" + id + "' secret", text(at + ".secret", fields.get("secret")))) != null) {
          throw new IllegalArgumentException("sticky key id: '" + id + "' (expected: unique ids; it appears twice)");
        }
      }
      return keys;
    }

    @Override
    public String expected() {
      return "a sequence of {id, secret}";
    }
  };

  /** A sequence of {@code element}: one value per repetition of the flag, a YAML sequence (or a single scalar). */
  static <E> ValueType<List<E>> list(ValueType<E> element) {
    return new ValueType<>() {
      @Override
      public List<E> fromText(String key, String text) {
        return List.of(element.fromText(key, text));
      }

      @Override
      public List<E> fromFlags(String key, List<String> args) {
        List<E> out = new ArrayList<>(args.size());
        for (String a : args) {
          out.add(element.fromText(key, a));
        }
        return out;
      }

      @Override
      public List<E> fromYaml(String key, JsonNode node) {
        if (!node.isArray()) {
          return List.of(element.fromYaml(key, node));
        }
        List<E> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
          out.add(element.fromYaml(key + "[" + i + "]", node.get(i)));
        }
        return out;
      }

      @Override
      public String expected() {
        return "a sequence of " + element.expected();
      }

      @Override
      public boolean repeatable() {
        return true;
      }
    };
  }

  /** A field name (RFC 9110 section 5.1: a token), lower-cased (field names are case-insensitive). */
  static String headerName(String key, String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty() || !t.chars().allMatch(c -> c < 0x7f && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0))) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: a header name such as X-Debug)");
    }
    return t.toLowerCase(Locale.ROOT);
  }

  static byte[] base64(String what, String text) {
    try {
      return Base64.getDecoder().decode(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": not base64 (expected: at least 32 random bytes, base64-encoded)");
    }
  }

  private static Backend backend(String key, JsonNode node) {
    Map<String, JsonNode> f = fields(key, node, List.of("address", "id", "weight"), "{address, weight, id}");
    JsonNode weight = f.get("weight");
    if (weight != null && (!weight.isIntegralNumber() || !weight.canConvertToInt())) {
      throw new IllegalArgumentException(key + ".weight: " + weight + " (expected: an integer 1..1000)");
    }
    if (f.get("address") == null) {
      throw new IllegalArgumentException(key + ".address: missing (expected: host:port)");
    }
    try {
      return Backend.of(f.get("id") == null ? null : f.get("id").asText(), f.get("address").asText(),
          weight == null ? 1 : weight.asInt());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  /** The fields of a YAML mapping, each one of {@code allowed}. */
  private static Map<String, JsonNode> fields(String key, JsonNode node, List<String> allowed, String expected) {
    if (!node.isObject()) {
      throw ValueType.wrongType(key, node, expected);
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!allowed.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "unknown key '" + key + "." + e.getKey() + "' (expected one of: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static String text(String key, JsonNode node) {
    if (node == null) {
      throw new IllegalArgumentException(key + ": missing");
    }
    if (!node.isValueNode()) {
      throw ValueType.wrongType(key, node, "a string");
    }
    return node.asText();
  }

  interface Parser<T> {
    T parse(String key, String text);
  }

  static <T> ValueType<T> of(String expected, Parser<T> parser) {
    return new ValueType<>() {
      @Override
      public T fromText(String key, String text) {
        return parser.parse(key, text);
      }

      @Override
      public String expected() {
        return expected;
      }
    };
  }
}
