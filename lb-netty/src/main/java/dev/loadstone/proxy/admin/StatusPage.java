package dev.loadstone.proxy.admin;

import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.PoolSnapshot;
import java.time.Duration;
import java.util.Locale;

/** The admin server's HTML status page: one self-contained document (no external assets) that reloads itself. */
final class StatusPage {
  private StatusPage() {}

  static String render(PoolSnapshot snapshot, ProxyMetrics metrics, int refreshSeconds) {
    StringBuilder sb = new StringBuilder(2048);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">")
        .append("<title>Loadstone status</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse}th,td{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}")
        .append("td.n{text-align:right}.UP{color:#070}.DOWN{color:#b00}.DRAINING,.MAINTENANCE{color:#a60}")
        .append("</style></head><body><h1>Loadstone</h1><p>")
        .append(snapshot.available().size()).append(" of ").append(snapshot.all().size())
        .append(" backends available. Refreshes every ").append(refreshSeconds).append(" s.</p>")
        .append("<table><thead><tr><th>backend</th><th>address</th><th>weight</th><th>health</th><th>state</th>")
        .append("<th>in flight</th><th>requests/s</th><th>p95</th><th>requests</th><th>failures</th></tr></thead><tbody>");
    for (BackendState s : snapshot.all()) {
      Duration p95 = metrics.p95(s.id());
      sb.append("<tr><td>").append(escape(s.id()))
          .append("</td><td>").append(escape(s.backend().address()))
          .append("</td><td class=\"n\">").append(s.weight())
          .append("</td><td class=\"").append(s.health()).append("\">").append(s.health())
          .append("</td><td class=\"").append(s.adminState()).append("\">").append(s.adminState())
          .append("</td><td class=\"n\">").append(s.inFlight())
          .append("</td><td class=\"n\">").append(String.format(Locale.ROOT, "%.1f", metrics.requestRate(s.id())))
          .append("</td><td class=\"n\">").append(p95 == null ? "-" : String.format(Locale.ROOT, "%.1f ms", p95.toNanos() / 1e6))
          .append("</td><td class=\"n\">").append(metrics.requests(s.id()))
          .append("</td><td class=\"n\">").append(metrics.failures(s.id()))
          .append("</td></tr>");
    }
    return sb.append("</tbody></table></body></html>\n").toString();
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
}
