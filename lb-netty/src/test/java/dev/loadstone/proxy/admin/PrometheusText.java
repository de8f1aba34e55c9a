package dev.loadstone.proxy.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: every line must be a
 * HELP or TYPE comment or a sample {@code name{label="value",...} number}; anything else fails.
 */
final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
  private static final Pattern SAMPLE = Pattern.compile(
      "(" + NAME + ")(\\{(?:" + LABEL + ")(?:," + LABEL + ")*,?\\})? (\\S+)( -?\\d+)?");

  private PrometheusText() {}

  /** Series (name with its label block, as written) to value; throws on any malformed line. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> series = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher t = TYPE.matcher(line);
        if (t.matches()) {
          if (types.put(t.group(1), t.group(2)) != null) {
            throw new IllegalArgumentException("line " + lineNo + ": second TYPE for " + t.group(1));
          }
        } else if (!HELP.matcher(line).matches()) {
          throw new IllegalArgumentException("line " + lineNo + ": bad comment: " + line);
        }
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("line " + lineNo + ": bad sample: " + line);
      }
      String v = m.group(3);
      double value;
      switch (v) {
        case "+Inf": value = Double.POSITIVE_INFINITY; break;
        case "-Inf": value = Double.NEGATIVE_INFINITY; break;
        case "NaN": value = Double.NaN; break;
        default: value = Double.parseDouble(v);
      }
      String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
      if (series.put(key, value) != null) {
        throw new IllegalArgumentException("line " + lineNo + ": duplicate series " + key);
      }
    }
    return series;
  }
}
