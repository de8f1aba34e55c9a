package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The docs are the settings table: the README's table is generated from it, and the example file names every key. */
class SettingsDocTest {
  private static final Set<String> WORDS = Set.of("none", "off", "required");

  /** The README's "Flags and YAML keys" table, one row per setting in table order. */
  static String markdownTable() {
    StringBuilder sb = new StringBuilder("| flag | YAML key | default | meaning |\n|---|---|---|---|\n");
    for (Setting<?> s : Settings.ALL) {
      String flag = s.flag == null ? "" : "`" + s.option() + " " + s.label + "`" + (s.type.repeatable() ? " (repeatable)" : "");
      String key = "`" + s.key + "`" + (s.type.repeatable() ? " (list)" : "");
      String dflt = WORDS.contains(s.defaultText) || s.defaultText.contains(" ") ? s.defaultText : "`" + s.defaultText + "`";
      sb.append("| ").append(flag).append(" | ").append(key).append(" | ").append(dflt).append(" | ").append(s.help).append(" |\n");
    }
    return sb.toString();
  }

  @Test
  void theReadmeTableIsTheSettingsTable() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme).as("lb-netty/README.md must contain this table (paste it):\n" + markdownTable()).contains(markdownTable());
  }

  @Test
  void theExampleFileNamesEveryKey() throws Exception {
    String example = Files.readString(Path.of("..", "examples", "proxy.yaml"));
    for (Setting<?> s : Settings.ALL) {
      assertThat(example).as(s.key).containsPattern("(?m)^(# )?" + s.key + ":");
    }
  }

  @Test
  void everyKeyIsDeclaredOnceAndEveryFlagIsUnique() {
    assertThat(Settings.ALL.stream().map(s -> s.key).distinct().count()).isEqualTo(Settings.ALL.size());
    assertThat(Settings.ALL.stream().filter(s -> s.flag != null).map(s -> s.flag).distinct().count())
        .isEqualTo(Settings.ALL.stream().filter(s -> s.flag != null).count());
    for (Setting<?> s : Settings.ALL) {
      assertThat(Settings.byKey(s.key)).isSameAs(s);
      assertThat(s.help).as(s.key).doesNotContain("%n").endsWith(".");
    }
  }
}
