package dev.loadstone.proxy.accesslog;

/**
 * How an {@link AccessRecord} becomes one line: {@link #TEXT} (HAProxy's {@code httplog} in spirit), {@code
 * json} (one object per line) or a template of {@code %{name}} placeholders. Formats run on the access log's
 * writer thread, never on an event loop.
 */
public interface AccessLogFormat {
  /**
   * The default line: client, start time, backend, time to the response head / total time (ms), status, body
   * bytes in / out, attempts, flags ({@code S} sticky, {@code R} retried, else {@code -}), request id, then
   * the request line in quotes.
   */
  String TEXT = "%{client} [%{time}] %{backend} %{ttfb_ms}/%{duration_ms} %{status} %{bytes_in}/%{bytes_out}"
      + " %{attempts} %{flags} %{request_id} \"%{method} %{target} %{protocol}\"";

  /** Appends the line for {@code r}, without the line break. */
  void append(AccessRecord r, StringBuilder line);

  /**
   * {@code text}, {@code json}, or a template holding at least one {@code %{name}} ({@code %%} is a literal
   * {@code %}); an unknown name or anything else is an {@link IllegalArgumentException} naming it.
   */
  static AccessLogFormat parse(String spec) {
    if (spec == null || spec.isEmpty()) {
      throw new IllegalArgumentException("access-log-format: '' (expected: text, json or a template such as '%{client} %{status}')");
    }
    if (spec.equals("text")) {
      return Template.parse(TEXT);
    }
    if (spec.equals("json")) {
      return new JsonFormat();
    }
    if (!spec.contains("%{")) {
      throw new IllegalArgumentException(
          "access-log-format: '" + spec + "' (expected: text, json or a template such as '%{client} %{status}')");
    }
    return Template.parse(spec);
  }
}
