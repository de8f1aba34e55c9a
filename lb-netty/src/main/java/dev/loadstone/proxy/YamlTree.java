package dev.loadstone.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree while keeping where each value was written: the line and column of
 * every value and every mapping key, by the path the settings' messages use ({@code backends[1].weight}). A
 * key written twice in one mapping is an error (YAML 1.2 says keys are unique; Jackson would keep the last one
 * silently). Syntax errors are told in our words ({@link YamlErrors}), never in the parser's.
 */
final class YamlTree {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Where something was written: 1-based line and column. */
  record Location(int line, int column) {
    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  final JsonNode root; // null for an empty document
  private final String where;
  private final Map<String, Location> values = new HashMap<>();
  private final Map<String, Location> keys = new HashMap<>();

  private YamlTree(byte[] bytes, String where) {
    this.where = where;
    try (JsonParser p = YAML.createParser(bytes)) {
      JsonToken t = p.nextToken();
      root = t == null ? null : value(p, "");
      if (p.nextToken() != null) {
        throw new ConfigException(where + ":" + at(p) + ": more than one YAML document (expected: one mapping of keys)");
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(where + YamlErrors.describe(e));
    } catch (IOException e) {
      throw new ConfigException(where + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  /** Parses a whole document; {@code where} ({@code config file proxy.yaml}) starts every error message. */
  static YamlTree parse(byte[] bytes, String where) {
    return new YamlTree(bytes, where);
  }

  /** Where the value at {@code path} starts, or null. */
  Location valueAt(String path) {
    return values.get(path);
  }

  /** Where the mapping key of {@code path} is written, or null (top-level keys are their own paths). */
  Location keyAt(String path) {
    return keys.get(path);
  }

  /**
   * The most specific recorded value location for a message about {@code key}: the longest path under
   * {@code key} that the message names ({@code backends[1].weight: ...}), else the key's own value.
   */
  Location locate(String key, String message) {
    String best = key;
    for (String path : values.keySet()) {
      if (path.length() > best.length() && path.startsWith(key) && names(message, path)) {
        best = path;
      }
    }
    return values.get(best);
  }

  private static boolean names(String message, String path) {
    for (int i = message.indexOf(path); i >= 0; i = message.indexOf(path, i + 1)) {
      int end = i + path.length();
      boolean startOk = i == 0 || message.charAt(i - 1) == '\'' || message.charAt(i - 1) == ' ';
      boolean endOk = end == message.length() || ":'. ".indexOf(message.charAt(end)) >= 0;
      if (startOk && endOk) {
        return true;
      }
    }
    return false;
  }

  private JsonNode value(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    values.put(path, at(p));
    switch (t) {
      case START_OBJECT: {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          Location here = at(p);
          if (o.has(name)) {
            throw new ConfigException(where + ":" + here + ": duplicate key '" + child + "' (expected: each key once; the first is at line "
                + keys.get(child).line() + ")");
          }
          keys.put(child, here);
          p.nextToken();
          o.set(name, value(p, child));
        }
        return o;
      }
      case START_ARRAY: {
        ArrayNode a = NODES.arrayNode();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
          a.add(value(p, path + "[" + i + "]"));
        }
        return a;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.INT ? NODES.numberNode(p.getIntValue())
            : p.getNumberType() == JsonParser.NumberType.LONG ? NODES.numberNode(p.getLongValue()) : NODES.numberNode(p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
      case VALUE_FALSE:
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        return NODES.textNode(p.getText()); // an embedded (e.g. !!binary) value: its text
    }
  }

  private static Location at(JsonParser p) {
    JsonLocation l = p.currentTokenLocation();
    return new Location(l.getLineNr(), l.getColumnNr());
  }
}
