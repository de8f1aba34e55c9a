package dev.loadstone.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * YAML syntax errors in a user's words: where (line and column), what is wrong, and where the construct that
 * is not closed began, e.g. {@code :2:11: the '[' list is not closed (expected: ',' or ']' before the end of the
 * file)}. SnakeYAML's phrases ("while parsing a flow sequence", "{@code <stream end>}") are translated; the
 * parser's class names and token types never reach the user.
 */
final class YamlErrors {
  private YamlErrors() {}

  /** {@code ":LINE:COLUMN: what (expected: ...)"}, to follow {@code config file NAME}. */
  static String describe(JsonProcessingException e) {
    MarkedYAMLException m = marked(e);
    if (m == null) {
      JsonLocation l = e.getLocation();
      return (l == null ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr()) + ": not valid YAML";
    }
    Mark at = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
    String where = at == null ? "" : ":" + (at.getLine() + 1) + ":" + (at.getColumn() + 1);
    return where + ": not valid YAML: " + text(m.getProblem(), m.getContext(), m.getContextMark());
  }

  private static MarkedYAMLException marked(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m) {
        return m;
      }
    }
    return null;
  }

  private static final java.util.regex.Pattern EXPECTED = java.util.regex.Pattern.compile("expected (.*), but (?:got|found) (.*)");

  private static String text(String problem, String context, Mark contextAt) {
    String p = problem == null ? "" : problem;
    String opened = opened(context, contextAt);
    if (p.startsWith("mapping values are not allowed here")) {
      return "a ':' where none is allowed (expected: quotes around a value that contains ': ', or other indentation)";
    }
    if (p.contains("\\t(TAB)") || p.contains("'\\t'")) {
      return "a tab character (expected: spaces; YAML does not indent with tabs)";
    }
    if (p.equals("found unexpected end of stream") && opened != null) {
      return opened + " is not closed (expected: its closing quote before the end of the file)";
    }
    java.util.regex.Matcher x = EXPECTED.matcher(p);
    if (x.matches()) {
      String expected = token(x.group(1));
      if (x.group(2).equals("<stream end>") && opened != null) {
        return opened + " is not closed (expected: " + expected + " before the end of the file)";
      }
      return "found " + token(x.group(2)) + " (expected: " + expected + ")" + (opened == null ? "" : "; in " + opened);
    }
    return token(p.isEmpty() ? "a syntax error" : p) + (opened == null ? "" : "; in " + opened);
  }

  private static String token(String t) {
    return t.replace("<stream end>", "the end of the file")
        .replace("<block end>", "the end of the indented block")
        .replace("<block mapping start>", "an indented mapping")
        .replace("<block sequence start>", "an indented list")
        .replace("<scalar>", "a value")
        .replace("<flow mapping start>", "'{'")
        .replace("<flow sequence start>", "'['");
  }

  /** What the parser was inside of, and where it began: {@code the '[' at line 2, column 11}; null if nothing useful. */
  private static String opened(String c, Mark at) {
    if (c == null || at == null || c.startsWith("while scanning for the next token")) {
      return null;
    }
    String what = c.contains("flow sequence") ? "the '['" : c.contains("flow mapping") ? "the '{'"
        : c.contains("quoted scalar") ? "the quoted string" : c.contains("block mapping") ? "the mapping"
        : c.contains("block collection") || c.contains("block sequence") ? "the list" : "what";
    return what + " at line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1);
  }
}
