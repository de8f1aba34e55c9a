package dev.loadstone.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AccessLogFormatTest {
  static final long T0 = java.time.Instant.parse("2026-12-01T14:30:00.123Z").toEpochMilli();

  static AccessRecord record(String ip, String target, String requestId, long ttfbNanos) {
    return new AccessRecord(T0, ip, 40000, "GET", target, "HTTP/1.1", 200, "app-1", 3, 5, 1234, 12_345_678, ttfbNanos,
        true, requestId);
  }

  private static String line(String format, AccessRecord r) {
    StringBuilder sb = new StringBuilder();
    AccessLogFormat.parse(format).append(r, sb);
    return sb.toString();
  }

  @Test
  void theTextLineShowsEveryFieldInTheDocumentedOrder() {
    assertThat(line("text", record("10.0.0.7", "/a?b=c", "id-1", 900_000)))
        .isEqualTo("10.0.0.7:40000 [01/Dec/2026:14:30:00.123 +0000] app-1 0.900/12.345 200 5/1234 3 SR id-1 \"GET /a?b=c HTTP/1.1\"");
  }

  @Test
  void anIpv6ClientIsBracketedAndAbsentValuesAreDashes() {
    AccessRecord r = new AccessRecord(T0, "::1", 5, null, null, null, 408, null, 0, 0, 0, 1_000, -1, false, null);
    assertThat(line("text", r)).isEqualTo("[::1]:5 [01/Dec/2026:14:30:00.123 +0000] - -/0.001 408 0/0 0 -- - \"- - -\"");
    assertThat(line("json", r)).isEqualTo("{\"time_iso\":\"2026-12-01T14:30:00.123Z\",\"client_ip\":\"::1\",\"client_port\":5,"
        + "\"method\":null,\"target\":null,\"protocol\":null,\"status\":408,\"backend\":null,\"attempts\":0,\"bytes_in\":0,"
        + "\"bytes_out\":0,\"duration_ms\":0.001,\"ttfb_ms\":null,\"sticky\":false,\"retried\":false,\"request_id\":null}");
  }

  @Test
  void quotesBackslashesAndControlsAreEscapedInTextAndJson() {
    AccessRecord r = record("10.0.0.7", "/x\"y\\z", "a\"b", 0);
    assertThat(line("%{target} %{request_id}", r)).isEqualTo("/x\\x22y\\x5cz a\\x22b");
    assertThat(line("json", r)).contains("\"target\":\"/x\\\"y\\\\z\"", "\"request_id\":\"a\\\"b\"");
  }

  @Test
  void anUnknownPlaceholderIsOneLineNamingItAndTheKnownOnes() {
    assertThatThrownBy(() -> AccessLogFormat.parse("%{client} %{upstream}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("access-log-format: unknown placeholder %{upstream} (expected one of: client, client_ip, client_port, time,"
            + " time_iso, method, target, protocol, status, backend, attempts, bytes_in, bytes_out, duration_ms, ttfb_ms, sticky,"
            + " retried, flags, request_id)");
  }

  @Test
  void otherMalformedTemplatesAreRefused() {
    assertThatThrownBy(() -> AccessLogFormat.parse("%{client")).hasMessage("access-log-format: unclosed placeholder at character 1 '%{client' (expected: %{name})");
    assertThatThrownBy(() -> AccessLogFormat.parse("%{client} 5%")).hasMessage("access-log-format: a lone '%' at character 12 (expected: %{name} or %%)");
    assertThatThrownBy(() -> AccessLogFormat.parse("xml")).hasMessage("access-log-format: 'xml' (expected: text, json or a template such as '%{client} %{status}')");
    assertThatThrownBy(() -> AccessLogFormat.parse("%{client}\n")).hasMessage("access-log-format: a line break at character 10 (expected: one line)");
  }
}
