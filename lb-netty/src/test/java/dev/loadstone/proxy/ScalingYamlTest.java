package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loadstone.proxy.scaling.ScalingConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The scaling: section as users write it, and its errors. */
class ScalingYamlTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static ScalingConfig read(String yaml) throws Exception {
    JsonNode n = YAML.readTree(yaml);
    return ScalingYaml.read("scaling", n.get("scaling"));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    ScalingConfig c = read("""
        scaling:
          interval: 10s
          min: 2
          max: 20
          cooldown: 2m
          scale-in-window: 10m
          cpu-header: endpoint-load-metrics
          rules:
            - {when: "cpu > 70%", add: 2}
            - {when: "cpu < 30%", remove: 1}
            - {when: "p95 > 500ms", add: 1}
            - {metric: rps-per-backend, target: 200}
          schedule:
            - {days: mon-fri, from: "09:00", to: "17:00", min: 6, zone: Europe/Berlin}
          hook:
            command: [/usr/local/bin/scale, "{desired}"]
            webhook: http://127.0.0.1:9000/scale
            timeout: 10s
        """);
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.min()).isEqualTo(2);
    assertThat(c.max()).isEqualTo(20);
    assertThat(c.cooldown()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.scaleInWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.cpuHeader()).isEqualTo("endpoint-load-metrics");
    assertThat(c.rules()).extracting(r -> r.name())
        .containsExactly("cpu > 70%: add 2", "cpu < 30%: remove 1", "p95 > 500ms: add 1", "target rps-per-backend 200");
    assertThat(c.schedule()).extracting(Object::toString).containsExactly("mon-fri 09:00-17:00 at least 6 (Europe/Berlin)");
    assertThat(c.command()).containsExactly("/usr/local/bin/scale", "{desired}");
    assertThat(c.webhook().toString()).isEqualTo("http://127.0.0.1:9000/scale");
    assertThat(c.hookTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aPredictiveRuleAndItsHistoryFileAreRead() throws Exception {
    ScalingConfig c = read("""
        scaling:
          history-file: /var/lib/loadstone/scaling-history
          rules:
            - {predict: rps, per-backend: 200, lead: 15m}
            - {when: "cpu > 70%", add: 1}
        """);
    assertThat(c.predictive()).isEqualTo(new ScalingConfig.Predictive(200, Duration.ofMinutes(15), Duration.ofDays(7), Duration.ofMinutes(1), 0.3));
    assertThat(c.rules()).extracting(r -> r.name()).containsExactly("cpu > 70%: add 1");
    assertThat(c.historyFile().toString()).isEqualTo("/var/lib/loadstone/scaling-history");
    assertThatThrownBy(() -> read("scaling: {rules: [{predict: rps, per-backend: 1}, {predict: rps, per-backend: 2}]}"))
        .hasMessage("scaling.rules[1]: a second predictive rule (expected: at most one)");
    assertThatThrownBy(() -> read("scaling: {rules: [{predict: cpu, per-backend: 1}]}"))
        .hasMessage("scaling.rules[0].predict: 'cpu' (expected: rps, the pool's request rate)");
    assertThatThrownBy(() -> read("scaling: {rules: [{predict: rps, per-backend: 100, lead: 8d}]}"))
        .hasMessage("scaling.rules[0]: predictive lead: PT192H (expected: 0 <= lead < season PT168H)");
  }

  @Test
  void defaultsAreDocumented() throws Exception {
    ScalingConfig c = read("scaling: {rules: [{metric: cpu, target: 60%}]}");
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.min()).isEqualTo(1);
    assertThat(c.max()).isEqualTo(100);
    assertThat(c.cooldown()).isEqualTo(Duration.ofMinutes(3));
    assertThat(c.scaleInWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.cpuHeader()).isNull();
    assertThat(c.command()).isEmpty();
    assertThat(c.webhook()).isNull();
  }

  @Test
  void errorsNameTheKeyPathAndTheValue() {
    assertThatThrownBy(() -> read("scaling: {rules: [{when: 'cpu > 70%', add: 1}, {when: 'cpu >> 1'}]}"))
        .hasMessage("scaling.rules[1]: (expected: {when: CONDITION, add: N} or {when: CONDITION, remove: N})");
    assertThatThrownBy(() -> read("scaling: {rules: [{when: 'memory > 1', add: 1}]}"))
        .hasMessage("scaling.rules[0]: metric: 'memory' (expected: one of cpu, rps-per-backend, rps, in-flight-per-backend, p95, p99, error-rate)");
    assertThatThrownBy(() -> read("scaling: {min: 5, max: 2}"))
        .hasMessage("scaling min/max: 5/2 (expected: 0 <= min <= max, 1 <= max <= 10000)");
    assertThatThrownBy(() -> read("scaling: {schedule: [{days: weekdays, from: '9am', to: '17:00', min: 3}]}"))
        .hasMessage("scaling.schedule[0]: schedule from: '9am' (expected: HH:MM, e.g. 09:00)");
    assertThatThrownBy(() -> read("scaling: {schedule: [{days: weekdays, from: '09:00', to: '17:00', min: 3, zone: Mars/Base}]}"))
        .hasMessage("scaling.schedule[0].zone: 'Mars/Base' (expected: a time zone such as UTC or Europe/Berlin)");
    assertThatThrownBy(() -> read("scaling: {hook: {command: 'scale.sh {desired}'}}"))
        .hasMessage("key 'scaling.hook.command' has the wrong type: \"scale.sh {desired}\" (expected: a sequence)");
    assertThatThrownBy(() -> read("scaling: {hook: {webhook: 'ftp://x/'}}"))
        .hasMessage("scaling.hook.webhook: 'ftp://x/' (expected: an http:// or https:// URL)");
    assertThatThrownBy(() -> read("scaling: {interval: 0s}")).hasMessage("scaling.interval: 0s (expected: > 0)");
    assertThatThrownBy(() -> read("scaling: {maximum: 3}")).hasMessageStartingWith("unknown key 'scaling.maximum' (expected one of: cooldown, cpu-header,");
  }
}
