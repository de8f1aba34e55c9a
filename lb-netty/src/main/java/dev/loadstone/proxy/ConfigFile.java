package dev.loadstone.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML config file into {@link SettingValues}: a mapping whose keys are the {@link Settings} keys.
 * The file is read once, whole; the top level is walked key by key so each value keeps the line and column
 * of its key. Unknown keys and YAML syntax errors are one-line {@link ConfigException}s naming the file.
 */
final class ConfigFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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
    Map<Setting<?>, SettingValues.Value> values = new LinkedHashMap<>();
    try (JsonParser p = YAML.createParser(bytes)) {
      JsonToken t = p.nextToken();
      if (t == null || t == JsonToken.VALUE_NULL) {
        return SettingValues.ofFile(file, values); // an empty file (or only comments): every default
      }
      if (t != JsonToken.START_OBJECT) {
        throw new ConfigException(where + ": the top level is " + kind(t) + " (expected: a mapping of keys, see examples/proxy.yaml)");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonLocation at = p.currentTokenLocation();
        Setting<?> s = Settings.byKey(key);
        if (s == null) {
          throw new ConfigException(where + ": unknown key '" + key + "' (expected one of: " + knownKeys() + ")");
        }
        p.nextToken();
        JsonNode value = YAML.readTree(p);
        values.put(s, new SettingValues.Value(new SettingValues.Source(file, at.getLineNr(), at.getColumnNr()), value, null));
      }
      if (p.nextToken() != null) {
        throw new ConfigException(where + ": more than one YAML document (expected: one mapping of keys)");
      }
    } catch (JsonProcessingException e) {
      String line = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ConfigException(where + ": not valid YAML" + line + " (" + firstLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw new ConfigException(where + ": cannot be read (" + e.getMessage() + ")");
    }
    return SettingValues.ofFile(file, values);
  }

  private static String knownKeys() {
    return Settings.ALL.stream().map(s -> s.key).sorted().collect(Collectors.joining(", "));
  }

  private static String kind(JsonToken t) {
    return t == JsonToken.START_ARRAY ? "a sequence" : "a single value";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
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
