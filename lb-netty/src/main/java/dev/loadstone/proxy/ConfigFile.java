package dev.loadstone.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML config file into {@link SettingValues}: a mapping whose keys are the {@link Settings} keys.
 * The file is read once, whole, into a {@link YamlTree} that keeps the line and column of every value. Unknown
 * keys, duplicate keys and YAML syntax errors are one-line {@link ConfigException}s naming the file, line and column.
 */
final class ConfigFile {
  private ConfigFile() {}

  static SettingValues read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + ": not found");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + ": cannot be read (" + e.getMessage() + ")");
    }
    String where = "config file " + file;
    YamlTree tree = YamlTree.parse(bytes, where);
    Map<Setting<?>, SettingValues.Value> values = new LinkedHashMap<>();
    JsonNode root = tree.root;
    if (root == null || root.isNull()) {
      return SettingValues.ofFile(file, values, tree); // an empty file (or only comments): every default
    }
    if (!root.isObject()) {
      throw new ConfigException(where + ":" + tree.valueAt("") + ": the top level is " + (root.isArray() ? "a sequence" : "a single value")
          + " (expected: a mapping of keys, see examples/proxy.yaml)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Setting<?> s = Settings.byKey(e.getKey());
      if (s == null) {
        throw new ConfigException(where + ":" + tree.keyAt(e.getKey()) + ": unknown key '" + e.getKey() + "' (expected one of: "
            + knownKeys() + ")");
      }
      YamlTree.Location at = tree.valueAt(e.getKey());
      values.put(s, new SettingValues.Value(new SettingValues.Source(file, at.line(), at.column()), e.getValue(), null));
    }
    return SettingValues.ofFile(file, values, tree);
  }

  private static String knownKeys() {
    return Settings.ALL.stream().map(s -> s.key).sorted().collect(Collectors.joining(", "));
  }

  /** Lines {@code KEY_ID BASE64_SECRET}; blank lines and {@code #} comments are skipped; the last key signs. */
  static Map<String, byte[]> readKeyFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("sticky-key-file " + file + ": not found");
    } catch (IOException e) {
      throw new ConfigException("sticky-key-file " + file + ": cannot be read (" + e.getMessage() + ")");
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("\\s+");
      if (parts.length != 2) {
        errors.add("line " + (i + 1) + " (expected: KEY_ID BASE64_SECRET)");
        continue;
      }
      keys.put(parts[0], ValueTypes.base64("sticky-key-file " + file + " line " + (i + 1), parts[1]));
    }
    if (!errors.isEmpty()) {
      throw new ConfigException("sticky-key-file " + file + ": " + errors.get(0));
    }
    if (keys.isEmpty()) {
      throw new ConfigException("sticky-key-file " + file + ": no keys (expected: lines KEY_ID BASE64_SECRET)");
    }
    return keys;
  }
}
