package dev.loadstone.proxy.accesslog;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The values an access log line can show, by the name a template's {@code %{name}} and the JSON format use.
 * Text renders absent values as {@code -}; times are milliseconds with three decimals.
 */
enum Field {
  CLIENT, CLIENT_IP, CLIENT_PORT, TIME, TIME_ISO, METHOD, TARGET, PROTOCOL, STATUS, BACKEND, ATTEMPTS, BYTES_IN,
  BYTES_OUT, DURATION_MS, TTFB_MS, STICKY, RETRIED, FLAGS, REQUEST_ID;

  /** HAProxy's and nginx's date, in UTC: {@code 01/Dec/2026:14:30:00.123 +0000}. */
  static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  final String key = name().toLowerCase(Locale.ROOT);

  static Field byKey(String key) {
    for (Field f : values()) {
      if (f.key.equals(key)) {
        return f;
      }
    }
    return null;
  }

  static String keys() {
    return Arrays.stream(values()).map(f -> f.key).collect(Collectors.joining(", "));
  }

  void appendText(AccessRecord r, StringBuilder sb) {
    switch (this) {
      case CLIENT -> {
        boolean v6 = r.clientIp().indexOf(':') >= 0;
        sb.append(v6 ? "[" : "").append(r.clientIp()).append(v6 ? "]:" : ":").append(r.clientPort());
      }
      case CLIENT_IP -> sb.append(r.clientIp());
      case CLIENT_PORT -> sb.append(r.clientPort());
      case TIME -> CLF.formatTo(Instant.ofEpochMilli(r.startMillis()), sb);
      case TIME_ISO -> ISO.formatTo(Instant.ofEpochMilli(r.startMillis()), sb);
      case METHOD -> safe(r.method(), sb);
      case TARGET -> safe(r.target(), sb);
      case PROTOCOL -> safe(r.protocol(), sb);
      case STATUS -> sb.append(r.status());
      case BACKEND -> safe(r.backend(), sb);
      case ATTEMPTS -> sb.append(r.attempts());
      case BYTES_IN -> sb.append(r.bytesIn());
      case BYTES_OUT -> sb.append(r.bytesOut());
      case DURATION_MS -> millis(r.durationNanos(), sb);
      case TTFB_MS -> {
        if (r.ttfbNanos() < 0) {
          sb.append('-');
        } else {
          millis(r.ttfbNanos(), sb);
        }
      }
      case STICKY -> sb.append(r.sticky());
      case RETRIED -> sb.append(r.retried());
      case FLAGS -> sb.append(r.sticky() ? 'S' : '-').append(r.retried() ? 'R' : '-');
      case REQUEST_ID -> safe(r.requestId(), sb);
    }
  }

  void writeJson(AccessRecord r, JsonGenerator g) throws IOException {
    g.writeFieldName(key);
    switch (this) {
      case CLIENT, TIME, TIME_ISO, FLAGS -> {
        StringBuilder sb = new StringBuilder(32);
        appendText(r, sb);
        g.writeString(sb.toString());
      }
      case CLIENT_IP -> g.writeString(r.clientIp());
      case CLIENT_PORT -> g.writeNumber(r.clientPort());
      case METHOD -> g.writeString(r.method());
      case TARGET -> g.writeString(r.target());
      case PROTOCOL -> g.writeString(r.protocol());
      case STATUS -> g.writeNumber(r.status());
      case BACKEND -> g.writeString(r.backend());
      case ATTEMPTS -> g.writeNumber(r.attempts());
      case BYTES_IN -> g.writeNumber(r.bytesIn());
      case BYTES_OUT -> g.writeNumber(r.bytesOut());
      case DURATION_MS -> g.writeNumber(java.math.BigDecimal.valueOf(r.durationNanos() / 1000, 3));
      case TTFB_MS -> {
        if (r.ttfbNanos() < 0) {
          g.writeNull();
        } else {
          g.writeNumber(java.math.BigDecimal.valueOf(r.ttfbNanos() / 1000, 3));
        }
      }
      case STICKY -> g.writeBoolean(r.sticky());
      case RETRIED -> g.writeBoolean(r.retried());
      case REQUEST_ID -> g.writeString(r.requestId());
    }
  }

  private static void millis(long nanos, StringBuilder sb) {
    long micros = nanos / 1000;
    long frac = micros % 1000;
    sb.append(micros / 1000).append('.');
    if (frac < 100) {
      sb.append(frac < 10 ? "00" : "0");
    }
    sb.append(frac);
  }

  /**
   * A value as is when it is visible ASCII other than {@code "} and {@code \}, else with those escaped as
   * {@code \xHH}, so a line stays one line that splits on spaces and quotes; null is {@code -}.
   */
  private static void safe(String v, StringBuilder sb) {
    if (v == null) {
      sb.append('-');
      return;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
        sb.append(c);
      } else {
        sb.append("\\x").append(Character.forDigit((c >> 4) & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
      }
    }
  }
}
