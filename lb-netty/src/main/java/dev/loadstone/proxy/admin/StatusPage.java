package dev.loadstone.proxy.admin;

import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.PoolSnapshot;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * The admin server's HTML status page: one self-contained document (no external assets: inline CSS, inline
 * script, charts as inline SVG). The server renders the table once, so the page reads without a script (it then
 * reloads itself every 2 s); the script ({@code status.js}) polls {@code /api/status} every 2 s, redraws the
 * table with drain / enable / maintenance buttons and the per-backend charts, and calls the admin API with
 * {@code Content-Type: application/json} (and the token, when one was entered) as any other client must. A
 * Content-Security-Policy allows only this script (by its hash) and calls to this origin, and forbids framing
 * (so no other page can trick a click on a button).
 */
final class StatusPage {
  private static final String SCRIPT = resource("status.js");
  static final String CSP = "default-src 'none'; script-src 'sha256-" + sha256(SCRIPT) + "'; style-src 'unsafe-inline';"
      + " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private StatusPage() {}

  static AdminApi.Response response(PoolSnapshot snapshot, ProxyMetrics metrics, ServerStatus server) {
    return new AdminApi.Response(HttpResponseStatus.OK, "text/html; charset=utf-8",
        render(snapshot, metrics, server).getBytes(StandardCharsets.UTF_8))
        .header("Content-Security-Policy", CSP)
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer");
  }

  static String render(PoolSnapshot snapshot, ProxyMetrics metrics, ServerStatus server) {
    StringBuilder sb = new StringBuilder(8192);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>")
        .append("<title>Loadstone status</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}h1{margin:0 0 .2em}")
        .append("table{border-collapse:collapse;margin-top:1em}th,td{padding:.3em .6em;border-bottom:1px solid #ddd;")
        .append("text-align:left;vertical-align:top}td.n{text-align:right;white-space:nowrap}.UP{color:#070}.DOWN{color:#b00}")
        .append(".DRAINING,.MAINTENANCE{color:#a60}.why{color:#666;font-size:.85em;max-width:22em}")
        .append("button{margin:0 .2em .2em 0}svg{background:#fafafa;border:1px solid #eee}#msg{color:#b00}")
        .append("</style></head><body><h1>Loadstone</h1><p id=\"summary\">version ").append(escape(ServerStatus.VERSION))
        .append(", ").append(escape(server.algorithm())).append(", listening on ")
        .append(escape(String.join(", ", server.listeners()))).append(", up ").append(uptime(server.uptime()))
        .append(". ").append(snapshot.available().size()).append(" of ").append(snapshot.all().size())
        .append(" backends available.</p><p id=\"scaling\">").append(escape(scalingLine(server.scaling())))
        .append("</p><p id=\"msg\"></p><div id=\"auth\" hidden><label>Admin token ")
        .append("<input id=\"token\" type=\"password\" autocomplete=\"off\"></label> <button id=\"save\">Use token</button></div>")
        .append("<table><thead><tr><th>backend</th><th>weight</th><th>source</th><th>health</th><th>state</th>")
        .append("<th>in flight</th><th>2xx/s</th><th>4xx/s</th><th>5xx/s</th><th>p95</th><th>last change</th>")
        .append("<th>requests/s, p95 (5 min)</th><th>actions</th></tr></thead><tbody id=\"backends\">");
    for (BackendState s : snapshot.all()) {
      Duration p95 = metrics.p95(s.id());
      double[] r = metrics.rates(s.id());
      sb.append("<tr><td>").append(escape(s.id())).append("<br>").append(escape(s.backend().address()))
          .append("</td><td class=\"n\">").append(s.weight())
          .append("</td><td></td><td class=\"").append(s.health()).append("\">").append(s.health())
          .append("</td><td class=\"").append(s.adminState()).append("\">").append(s.adminState())
          .append("</td><td class=\"n\">").append(s.inFlight())
          .append("</td><td class=\"n\">").append(rate(r[1]))
          .append("</td><td class=\"n\">").append(rate(r[3]))
          .append("</td><td class=\"n\">").append(rate(r[4]))
          .append("</td><td class=\"n\">").append(p95 == null ? "-" : String.format(Locale.ROOT, "%.1f ms", p95.toNanos() / 1e6))
          .append("</td><td></td><td></td><td></td></tr>");
    }
    return sb.append("</tbody></table><script>").append(SCRIPT).append("</script></body></html>\n").toString();
  }

  /**
   * The advisor's recommendation in words (status.js writes the same from {@code /api/status}): off, no decision
   * yet, or the desired count against the current one with the rule and reason that decided.
   */
  static String scalingLine(java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> view) {
    if (view == null) {
      return "Scaling advisor: off (no scaling: section in the configuration).";
    }
    com.fasterxml.jackson.databind.node.ObjectNode n = view.get();
    if (!n.has("desired")) {
      return "Scaling advisor: on, no decision yet.";
    }
    return "Scaling advisor: recommends " + n.get("desired").asInt() + " backends (now " + n.get("current").asInt() + "; "
        + n.get("rule").asText() + ": " + n.get("reason").asText() + ").";
  }

  private static String rate(double r) {
    return String.format(Locale.ROOT, "%.1f", r);
  }

  static String uptime(Duration d) {
    long s = d.toSeconds();
    return s >= 86400 ? s / 86400 + "d " + s % 86400 / 3600 + "h" : s >= 3600 ? s / 3600 + "h " + s % 3600 / 60 + "m"
        : s >= 60 ? s / 60 + "m " + s % 60 + "s" : s + "s";
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<': sb.append("&lt;"); break;
        case '>': sb.append("&gt;"); break;
        case '&': sb.append("&amp;"); break;
        case '"': sb.append("&quot;"); break;
        case '\'': sb.append("&#39;"); break;
        default: sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String resource(String name) {
    try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to " + StatusPage.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
