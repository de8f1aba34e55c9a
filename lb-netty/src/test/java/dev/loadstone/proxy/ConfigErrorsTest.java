package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user reads when the config file is wrong (issue 14, defect 8): the file, line and column, the key as
 * written, the value as written and the expected form; never the parser's words or Java types.
 */
class ConfigErrorsTest {
  private static final String OK = "backends: [127.0.0.1:9001]\n";
  @TempDir Path dir;

  private String error(String text) throws Exception {
    Path p = dir.resolve("proxy.yaml");
    Files.writeString(p, text);
    try {
      ProxyConfig.load(p);
    } catch (ConfigException e) {
      String prefix = "config file " + p;
      assertThat(e.getMessage()).startsWith(prefix);
      return e.getMessage().substring(prefix.length());
    }
    throw new AssertionError("no error for:\n" + text);
  }

  @Test
  void anUnclosedBracketSaysWhereItOpenedInOurWordsNotTheParsers() throws Exception {
    assertThat(error("listen: 127.0.0.1:8080\nbackends: [ unclosed\n")).isEqualTo(
        ":3:1: not valid YAML: the '[' at line 2, column 11 is not closed (expected: ',' or ']' before the end of the file)");
    assertThat(error(OK + "sticky-cookie: 'LB\n")).isEqualTo(
        ":3:1: not valid YAML: the quoted string at line 2, column 16 is not closed (expected: its closing quote before the end of the file)");
    assertThat(error(OK + "listen: a: b\n")).isEqualTo(
        ":2:10: not valid YAML: a ':' where none is allowed (expected: quotes around a value that contains ': ', or other indentation)");
    assertThat(error("backends:\n\t- 127.0.0.1:9001\n")).isEqualTo(
        ":2:1: not valid YAML: a tab character (expected: spaces; YAML does not indent with tabs)");
  }

  @Test
  void aDuplicateKeyIsAnErrorNamingBothLines() throws Exception {
    assertThat(error(OK + "retries: 1\nretries: 2\n"))
        .isEqualTo(":3:1: duplicate key 'retries' (expected: each key once; the first is at line 2)");
    assertThat(error("backends:\n  - address: 127.0.0.1:9001\n    weight: 2\n    weight: 3\n"))
        .isEqualTo(":4:5: duplicate key 'backends[0].weight' (expected: each key once; the first is at line 3)");
  }

  @Test
  void aValueErrorCarriesTheLineAndColumnOfTheValue() throws Exception {
    assertThat(error(OK + "connect-timeout: two\n"))
        .isEqualTo(":2:18: connect-timeout: 'two' (expected: a duration such as 500ms, 2s or 1m)");
    assertThat(error(OK + "max-body-size: lots\n"))
        .isEqualTo(":2:16: max-body-size: 'lots' (expected: a size in bytes such as 0, 1048576, 64k, 10m or 1g)");
    assertThat(error(OK + "retries: 2.5\n")).isEqualTo(":2:10: key 'retries' has the wrong type: 2.5 (expected: an integer)");
    assertThat(error(OK + "retries: \"two\"\n")).isEqualTo(":2:10: key 'retries' has the wrong type: \"two\" (expected: an integer)");
  }

  @Test
  void aNestedValueErrorPointsAtTheNestedValue() throws Exception {
    assertThat(error("backends:\n  - 127.0.0.1:9001\n  - address: 127.0.0.1:9002\n    weight: two\n"))
        .isEqualTo(":4:13: backends[1].weight: \"two\" (expected: an integer 1..1000)");
    assertThat(error("backends:\n  - {address: 127.0.0.1:9001, weight: 1.5}\n"))
        .isEqualTo(":2:39: backends[0].weight: 1.5 (expected: an integer 1..1000)");
    assertThat(error(OK + "trusted-proxies:\n  - 10.0.0.0/8\n  - nope\n"))
        .isEqualTo(":4:5: trusted-proxies[1]: 'nope' (expected: an IP network such as 10.0.0.0/8 or ::1/128)");
  }

  @Test
  void healthValuesAreToldWithTheKeyAndTheValueAsWritten() throws Exception {
    assertThat(error(OK + "health-interval: 0s\n")).isEqualTo(":2:18: health-interval: 0s (expected: > 0)");
    assertThat(error(OK + "health-rise: 0\n")).isEqualTo(":2:14: health-rise: 0 (expected: 1..1000)");
    assertThat(error(OK + "health-timeout: 2d\n")).isEqualTo(":2:17: health-timeout: 2d (expected: at most 1 day)");
  }

  @Test
  void theFirstErrorInTheFileIsTheOneReported() throws Exception {
    assertThat(error(OK + "max-body-size: lots\nconnect-timeout: 2\n")).startsWith(":2:16: max-body-size: 'lots'");
  }

  @Test
  void noMessageNamesTheParserOrAJavaType() throws Exception {
    String[] bad = {"backends: [ unclosed\n", "backends: {a: 1\n", OK + "retries: [2]\n", OK + "retries: {a: 1}\n",
        OK + "connect-timeout: [1s]\n", OK + "health-interval: 0s\n", OK + "x: 1\n", "- a\n", OK + "retries: 99999999999\n",
        "backends:\n  - {address: 127.0.0.1:9001, weight: 1.5}\n", OK + "watch-config: maybe\n", OK + "latency-buckets: [1s, 500ms]\n",
        "a: *alias\n", "? [a]\n: b\n", "backends: [127.0.0.1:9001]\n---\nretries: 1\n"};
    for (String text : bad) {
      assertThat(error(text)).as(text).doesNotContain("Jackson", "jackson", "JsonToken", "java.", "Cannot deserialize",
          "while parsing", "while scanning", "<stream end>", "PT", "START_", "END_", "snakeyaml");
    }
  }
}
