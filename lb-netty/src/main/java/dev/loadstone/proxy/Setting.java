package dev.loadstone.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One setting of the standalone proxy, declared once in {@link Settings#ALL}: its YAML key, its flag, how its
 * value is converted ({@link ValueType}), its documented default and help, and where the value goes in the
 * {@link ProxyConfigBuilder}. The flags (picocli options), the YAML reader, {@code --help} and the docs test
 * are all derived from it.
 */
final class Setting<T> {
  /** The YAML key, e.g. {@code trusted-proxies}. */
  final String key;
  /** The flag without dashes, e.g. {@code trusted-proxy}; null for a YAML-only setting. */
  final String flag;
  /** The flag's parameter label, e.g. {@code CIDR}. */
  final String label;
  final ValueType<T> type;
  /** The default as documented, e.g. {@code 2s}, {@code none}. */
  final String defaultText;
  /** One or two sentences for {@code --help} and the docs (plain text, no format specifiers). */
  final String help;
  /** Other keys that a flag for this setting also replaces in the file (e.g. --sticky-key-file replaces sticky-keys). */
  final List<String> flagReplaces;
  private final BiConsumer<Settings.Draft, T> apply;
  /** Reads the effective value back from a built config, as text ({@code --check} prints it, reload compares it). */
  private Function<ProxyConfig, Object> view;
  /** Whether a reload applies a change of this setting to the running proxy (else it takes a restart). */
  private boolean live;

  Setting(String key, String flag, String label, ValueType<T> type, String defaultText, String help,
      List<String> flagReplaces, BiConsumer<Settings.Draft, T> apply) {
    this.key = Objects.requireNonNull(key, "key");
    this.flag = flag;
    this.label = label;
    this.type = Objects.requireNonNull(type, "type");
    this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
    this.help = Objects.requireNonNull(help, "help");
    this.flagReplaces = List.copyOf(flagReplaces);
    this.apply = Objects.requireNonNull(apply, "apply");
  }

  /** Declares how the effective value is read back from a config (during the table's static initialization). */
  Setting<T> shows(Function<ProxyConfig, Object> view) {
    this.view = Objects.requireNonNull(view, "view");
    return this;
  }

  /** Declares that a reload applies a change of this setting without a restart. */
  Setting<T> live() {
    this.live = true;
    return this;
  }

  boolean isLive() {
    return live;
  }

  boolean hasView() {
    return view != null;
  }

  /** The effective value in {@code config} as one line of text: {@code 2s}, {@code 127.0.0.1:8080}, {@code none}. */
  String show(ProxyConfig config) {
    return Shown.text(view.apply(config));
  }

  /** {@code --connect-timeout}, or null. */
  String option() {
    return flag == null ? null : "--" + flag;
  }

  /** Converts the flag's arguments and puts the value into the draft. */
  void applyFlags(Settings.Draft draft, List<String> args) {
    apply.accept(draft, type.fromFlags(flag, args));
  }

  /** Converts the YAML value and puts it into the draft; a YAML null means "not set". */
  void applyYaml(Settings.Draft draft, JsonNode node) {
    if (!node.isNull()) {
      apply.accept(draft, type.fromYaml(key, node));
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
