package dev.loadstone.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings as given, before conversion: for each setting the YAML value (with the file and the line and
 * column of its key) or the flag's arguments. {@link #withFlags} lays flags over a file; {@link #toConfig}
 * converts every value through the settings table and builds the validated {@link ProxyConfig}. Errors name
 * where the offending value came from ({@code config file proxy.yaml: ...} or {@code flags: ...}).
 */
final class SettingValues {
  /** Where a value was written: a file (and the line and column of its key) or the command line. */
  record Source(Path file, int line, int column) {
    static final Source FLAGS = new Source(null, 0, 0);

    @Override
    public String toString() {
      return file == null ? "flags" : "config file " + file + (line > 0 ? ":" + line + ":" + column : "");
    }
  }

  /** One setting's value: a YAML node, or the flag's arguments in order. */
  record Value(Source source, JsonNode yaml, List<String> args) {}

  private final Path file; // null: no config file
  private final Map<Setting<?>, Value> values;
  private final YamlTree tree; // the file's values with their locations, or null

  private SettingValues(Path file, Map<Setting<?>, Value> values, YamlTree tree) {
    this.file = file;
    this.values = values;
    this.tree = tree;
  }

  static SettingValues none() {
    return new SettingValues(null, new LinkedHashMap<>(), null);
  }

  /** The values of a config file (see {@link ConfigFile#read}). */
  static SettingValues ofFile(Path file, Map<Setting<?>, Value> values, YamlTree tree) {
    return new SettingValues(file, new LinkedHashMap<>(values), tree);
  }

  /** Sets a flag's arguments. */
  SettingValues putFlag(Setting<?> s, List<String> args) {
    values.put(s, new Value(Source.FLAGS, null, List.copyOf(args)));
    return this;
  }

  /** These values with {@code flags} on top: a flag replaces the file's value (a whole list, not element by element). */
  SettingValues withFlags(SettingValues flags) {
    Map<Setting<?>, Value> merged = new LinkedHashMap<>(values);
    flags.values.forEach((s, v) -> {
      merged.put(s, v);
      s.flagReplaces.forEach(k -> merged.remove(Settings.byKey(k)));
    });
    return new SettingValues(file, merged, tree);
  }

  /** The value given for this setting, or null. */
  Value get(Setting<?> s) {
    return values.get(s);
  }

  /** Where an error about setting {@code s} points: the most specific value of the file it names, or the flags. */
  private Source where(Setting<?> s, Value v, String message) {
    if (v.yaml() == null || tree == null) {
      return v.source();
    }
    YamlTree.Location at = tree.locate(s.key, message);
    return at == null ? v.source() : new Source(file, at.line(), at.column());
  }

  /** Converts and validates everything; throws a {@link ConfigException} naming the source, the key and the value. */
  ProxyConfig toConfig() {
    Settings.Draft draft = new Settings.Draft();
    for (Map.Entry<Setting<?>, Value> e : values.entrySet()) { // in the order written: the first error is reported
      Setting<?> s = e.getKey();
      Value v = e.getValue();
      try {
        if (v.yaml() != null) {
          s.applyYaml(draft, v.yaml());
        } else {
          s.applyFlags(draft, v.args());
        }
      } catch (ConfigException ex) {
        throw ex; // already names its file (sticky-key-file)
      } catch (IllegalArgumentException | IllegalStateException ex) {
        throw new ConfigException(where(s, v, ex.getMessage()) + ": " + ex.getMessage(), ex);
      }
    }
    try {
      return draft.build();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      // A check made when the values come together (health-interval > 0 is the health builder's) names the value
      // its message starts with; a rule over several settings names the file, where most settings live.
      for (Map.Entry<Setting<?>, Value> v : values.entrySet()) {
        if (e.getMessage() != null && e.getMessage().startsWith(v.getKey().key + ":")) {
          throw new ConfigException(where(v.getKey(), v.getValue(), e.getMessage()) + ": " + e.getMessage(), e);
        }
      }
      throw new ConfigException((file == null ? Source.FLAGS : new Source(file, 0, 0)) + ": " + e.getMessage(), e);
    }
  }
}
