package dev.loadstone.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadstone.lb.scaling.Rule;
import dev.loadstone.lb.scaling.ScheduledMinimum;
import dev.loadstone.proxy.scaling.ScalingConfig;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code scaling:} section (YAML only: a mapping), read into a {@link ScalingConfig}. Every error names the
 * key path as written ({@code scaling.rules[1].when}) and what was expected; unknown keys are errors.
 */
final class ScalingYaml {
  private ScalingYaml() {}

  private static final Set<String> KEYS = Set.of("interval", "min", "max", "cooldown", "scale-in-window", "rules", "schedule",
      "cpu-header", "hook", "history-file", "drain-on-scale-in");

  static final ValueType<ScalingConfig> TYPE = new ValueType<>() {
    @Override
    public ScalingConfig fromText(String key, String text) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: " + expected() + ")");
    }

    @Override
    public ScalingConfig fromYaml(String key, JsonNode node) {
      return read(key, node);
    }

    @Override
    public String expected() {
      return "a mapping with min, max, rules, schedule, ... (see lb-netty/README.md, Scaling advisor)";
    }
  };

  static ScalingConfig read(String key, JsonNode node) {
    Map<String, JsonNode> f = fields(key, node, KEYS);
    List<Rule> rules = new ArrayList<>();
    ScalingConfig.Predictive predictive = null;
    JsonNode rs = f.get("rules");
    for (int i = 0; rs != null && i < seq(key + ".rules", rs).size(); i++) {
      String at = key + ".rules[" + i + "]";
      if (rs.get(i).isObject() && rs.get(i).has("predict")) {
        if (predictive != null) {
          throw new IllegalArgumentException(at + ": a second predictive rule (expected: at most one)");
        }
        predictive = predictive(at, rs.get(i));
      } else {
        rules.add(rule(at, rs.get(i)));
      }
    }
    List<ScheduledMinimum> schedule = new ArrayList<>();
    JsonNode ss = f.get("schedule");
    for (int i = 0; ss != null && i < seq(key + ".schedule", ss).size(); i++) {
      schedule.add(schedule(key + ".schedule[" + i + "]", ss.get(i)));
    }
    List<String> command = List.of();
    URI webhook = null;
    Duration hookTimeout = ScalingConfig.DEFAULT_HOOK_TIMEOUT;
    if (f.get("hook") != null) {
      Map<String, JsonNode> h = fields(key + ".hook", f.get("hook"), Set.of("command", "webhook", "timeout"));
      if (h.get("command") != null) {
        command = new ArrayList<>();
        JsonNode c = seq(key + ".hook.command", h.get("command"));
        for (int i = 0; i < c.size(); i++) {
          command.add(text(key + ".hook.command[" + i + "]", c.get(i)));
        }
        if (command.isEmpty()) {
          throw new IllegalArgumentException(key + ".hook.command: [] (expected: an argv list such as [/usr/local/bin/scale, \"{desired}\"])");
        }
      }
      if (h.get("webhook") != null) {
        webhook = uri(key + ".hook.webhook", text(key + ".hook.webhook", h.get("webhook")));
      }
      hookTimeout = duration(key + ".hook.timeout", h.get("timeout"), hookTimeout);
    }
    String header = f.get("cpu-header") == null ? null : ValueTypes.headerName(key + ".cpu-header", text(key + ".cpu-header", f.get("cpu-header")));
    try {
      return new ScalingConfig(positive(key + ".interval", duration(key + ".interval", f.get("interval"), ScalingConfig.DEFAULT_INTERVAL)),
          integer(key + ".min", f.get("min"), 1), integer(key + ".max", f.get("max"), 100),
          duration(key + ".cooldown", f.get("cooldown"), ScalingConfig.DEFAULT_COOLDOWN),
          duration(key + ".scale-in-window", f.get("scale-in-window"), ScalingConfig.DEFAULT_SCALE_IN_WINDOW),
          rules, schedule, header, command, webhook, hookTimeout, predictive,
          f.get("history-file") == null ? null : java.nio.file.Path.of(text(key + ".history-file", f.get("history-file"))),
          bool(key + ".drain-on-scale-in", f.get("drain-on-scale-in")));
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(key) ? e : new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static Rule rule(String at, JsonNode node) {
    Map<String, JsonNode> f = fields(at, node, Set.of("when", "add", "remove", "metric", "target"));
    try {
      if (f.get("when") != null) {
        if ((f.get("add") == null) == (f.get("remove") == null) || f.get("metric") != null || f.get("target") != null) {
          throw new IllegalArgumentException("(expected: {when: CONDITION, add: N} or {when: CONDITION, remove: N})");
        }
        int n = f.get("add") != null ? integer(at + ".add", f.get("add"), 0) : -integer(at + ".remove", f.get("remove"), 0);
        return Rule.threshold(text(at + ".when", f.get("when")), n);
      }
      if (f.get("metric") != null && f.get("target") != null && f.get("add") == null && f.get("remove") == null) {
        return Rule.target(text(at + ".metric", f.get("metric")), text(at + ".target", f.get("target")));
      }
      throw new IllegalArgumentException("(expected: {when: CONDITION, add|remove: N} or {metric: NAME, target: VALUE})");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  /** {@code {predict: rps, per-backend: 200, lead: 10m, season: 7d, step: 1m, alpha: 0.3}}. */
  private static ScalingConfig.Predictive predictive(String at, JsonNode node) {
    Map<String, JsonNode> f = fields(at, node, Set.of("predict", "per-backend", "lead", "season", "step", "alpha"));
    if (!"rps".equals(text(at + ".predict", f.get("predict")))) {
      throw new IllegalArgumentException(at + ".predict: '" + f.get("predict").asText() + "' (expected: rps, the pool's request rate)");
    }
    JsonNode per = f.get("per-backend");
    JsonNode alpha = f.get("alpha");
    if (per == null || !per.isNumber()) {
      throw new IllegalArgumentException(at + ".per-backend: " + per + " (expected: requests per second one backend serves, e.g. 200)");
    }
    if (alpha != null && !alpha.isNumber()) {
      throw ValueType.wrongType(at + ".alpha", alpha, "a number in (0, 1]");
    }
    try {
      return new ScalingConfig.Predictive(per.asDouble(), duration(at + ".lead", f.get("lead"), Duration.ofMinutes(10)),
          duration(at + ".season", f.get("season"), Duration.ofDays(7)), duration(at + ".step", f.get("step"), Duration.ofMinutes(1)),
          alpha == null ? 0.3 : alpha.asDouble());
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(at) ? e : new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static ScheduledMinimum schedule(String at, JsonNode node) {
    Map<String, JsonNode> f = fields(at, node, Set.of("days", "from", "to", "min", "zone"));
    ZoneId zone = ZoneOffset.UTC;
    if (f.get("zone") != null) {
      String z = text(at + ".zone", f.get("zone"));
      try {
        zone = ZoneId.of(z);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(at + ".zone: '" + z + "' (expected: a time zone such as UTC or Europe/Berlin)");
      }
    }
    try {
      return ScheduledMinimum.of(text(at + ".days", f.get("days")), text(at + ".from", f.get("from")), text(at + ".to", f.get("to")),
          integer(at + ".min", f.get("min"), -1), zone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static URI uri(String key, String text) {
    try {
      URI u = new URI(text);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // below
    }
    throw new IllegalArgumentException(key + ": '" + text + "' (expected: an http:// or https:// URL)");
  }

  private static Duration positive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + ": " + Durations.format(d) + " (expected: > 0)");
    }
    return d;
  }

  private static Duration duration(String key, JsonNode node, Duration dflt) {
    return node == null || node.isNull() ? dflt : Durations.parse(key, text(key, node));
  }

  private static boolean bool(String key, JsonNode node) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw ValueType.wrongType(key, node, "true or false");
    }
    return node.booleanValue();
  }

  private static int integer(String key, JsonNode node, int dflt) {
    if (node == null || node.isNull()) {
      if (dflt < 0) {
        throw new IllegalArgumentException(key + ": missing (expected: an integer)");
      }
      return dflt;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw ValueType.wrongType(key, node, "an integer");
    }
    return node.intValue();
  }

  private static JsonNode seq(String key, JsonNode node) {
    if (!node.isArray()) {
      throw ValueType.wrongType(key, node, "a sequence");
    }
    return node;
  }

  private static String text(String key, JsonNode node) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(key + ": missing");
    }
    if (!node.isValueNode()) {
      throw ValueType.wrongType(key, node, "a string");
    }
    return node.asText();
  }

  private static Map<String, JsonNode> fields(String key, JsonNode node, Set<String> allowed) {
    if (!node.isObject()) {
      throw ValueType.wrongType(key, node, "a mapping");
    }
    Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!allowed.contains(e.getKey())) {
        throw new IllegalArgumentException("unknown key '" + key + "." + e.getKey() + "' (expected one of: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
