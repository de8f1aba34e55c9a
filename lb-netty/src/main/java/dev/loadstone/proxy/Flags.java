package dev.loadstone.proxy;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line, built from the settings table: one picocli option per {@link Setting} with a flag, plus
 * {@code --config}. picocli checks the syntax (unknown flags, missing arguments, a single-valued flag given
 * twice, and integers, through the setting's own converter); every value is converted by the setting's
 * converter, so a flag and a YAML key accept the same text and fail with the same message.
 */
final class Flags {
  static final String CONFIG = "--config";
  static final String CHECK = "--check";

  private Flags() {}

  /** What the command line says: the config file (or null) and the settings given as flags. */
  record Parsed(Path config, SettingValues settings, boolean check) {}

  static CommandSpec spec() {
    CommandSpec spec = CommandSpec.create().name("lb-proxy").version("Loadstone proxy 0.1.0").mixinStandardHelpOptions(true);
    spec.usageMessage().sortOptions(false).description(escape(
        "An HTTP/1.1 and WebSocket reverse proxy. Settings come from --config (YAML, keys as below) and flags; flags win."
            + " Durations take ms, s, m, h or d (500ms, 2s); sizes take bytes or k, m, g (64k, 10m)."));
    spec.addOption(OptionSpec.builder(CONFIG).paramLabel("FILE").type(String.class)
        .description("YAML config file (keys are the long flag names; a repeatable flag's key is plural).").build());
    spec.addOption(OptionSpec.builder(CHECK, "-t").type(boolean.class).arity("0")
        .description("Check the configuration (file and flags) and print what would run, then exit: 0 when valid, 1 when"
            + " not (as haproxy -c and nginx -t).").build());
    for (Setting<?> s : Settings.ALL) {
      if (s.flag == null) {
        continue;
      }
      OptionSpec.Builder o = OptionSpec.builder(s.option()).paramLabel(s.label).description(escape(help(s)));
      if (s.type.repeatable()) {
        o.type(List.class).auxiliaryTypes(String.class).arity("1");
      } else {
        o.type(String.class);
      }
      if (s.type.checkedWhenParsed()) {
        o.converters(text -> {
          try {
            s.type.fromText(s.flag, text);
            return text;
          } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
          }
        });
      }
      spec.addOption(o.build());
    }
    return spec;
  }

  /** The help line of a flag: its help, default and, when it differs, its YAML key. */
  static String help(Setting<?> s) {
    StringBuilder sb = new StringBuilder(s.help);
    sb.append(s.defaultText.equals("required") ? " (required" : " (default: " + s.defaultText);
    if (!s.key.equals(s.flag)) {
      sb.append("; YAML: ").append(s.key);
    }
    return sb.append(')').toString();
  }

  static Parsed read(ParseResult result) {
    OptionSpec config = result.matchedOption(CONFIG);
    SettingValues flags = SettingValues.none();
    for (Setting<?> s : Settings.ALL) {
      OptionSpec o = s.flag == null ? null : result.matchedOption(s.option());
      if (o != null) {
        flags.putFlag(s, o.stringValues());
      }
    }
    return new Parsed(config == null ? null : Path.of(config.stringValues().get(0)), flags, result.hasMatchedOption(CHECK));
  }

  /** picocli reads descriptions as format strings: a bare {@code %} (as in "+-10% jitter") must be doubled. */
  static String escape(String text) {
    return text.replace("%", "%%");
  }
}
