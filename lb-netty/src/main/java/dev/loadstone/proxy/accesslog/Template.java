package dev.loadstone.proxy.accesslog;

import java.util.ArrayList;
import java.util.List;

/** A line of literal text and {@code %{name}} placeholders ({@link Field}), parsed once at start-up. */
final class Template implements AccessLogFormat {
  /** Literal strings and fields, in order. */
  private final Object[] parts;

  private Template(Object[] parts) {
    this.parts = parts;
  }

  static Template parse(String spec) {
    List<Object> parts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '\n' || c == '\r') {
        throw new IllegalArgumentException("access-log-format: a line break at character " + (i + 1) + " (expected: one line)");
      }
      if (c != '%') {
        lit.append(c);
      } else if (i + 1 < spec.length() && spec.charAt(i + 1) == '%') {
        lit.append('%');
        i++;
      } else if (i + 1 < spec.length() && spec.charAt(i + 1) == '{') {
        int end = spec.indexOf('}', i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("access-log-format: unclosed placeholder at character " + (i + 1) + " '"
              + spec.substring(i) + "' (expected: %{name})");
        }
        String name = spec.substring(i + 2, end);
        Field f = Field.byKey(name);
        if (f == null) {
          throw new IllegalArgumentException("access-log-format: unknown placeholder %{" + name + "} (expected one of: "
              + Field.keys() + ")");
        }
        if (lit.length() > 0) {
          parts.add(lit.toString());
          lit.setLength(0);
        }
        parts.add(f);
        i = end;
      } else {
        throw new IllegalArgumentException("access-log-format: a lone '%' at character " + (i + 1) + " (expected: %{name} or %%)");
      }
    }
    if (lit.length() > 0) {
      parts.add(lit.toString());
    }
    return new Template(parts.toArray());
  }

  @Override
  public void append(AccessRecord r, StringBuilder line) {
    for (Object p : parts) {
      if (p instanceof Field f) {
        f.appendText(r, line);
      } else {
        line.append((String) p);
      }
    }
  }
}
