package dev.loadstone.proxy.scaling;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CPU utilization backends report on their responses, in one configured header: a number ({@code 0.42}, or
 * {@code 42%}), or the ORCA {@code endpoint-load-metrics} text form ({@code TEXT cpu_utilization=0.42,
 * mem_utilization=0.3}; gRPC's and Envoy's Open Request Cost Aggregation). Read on the event loop for every
 * response head: one header lookup, and for a present header a parse without a regex; the latest report per
 * backend is kept with its time, and a report older than {@code maxAge} counts as none.
 */
public final class LoadReports {
  private final String header;
  private final long maxAgeNanos;
  private final Map<String, Report> reports = new ConcurrentHashMap<>();

  private static final class Report {
    volatile double cpu;
    volatile long at;
  }

  public LoadReports(String header, java.time.Duration maxAge) {
    this.header = header.toLowerCase(Locale.ROOT);
    this.maxAgeNanos = maxAge.toNanos();
  }

  public String header() {
    return header;
  }

  /** Reads the header of a backend's response head, if present (called on the event loop). */
  public void read(String backendId, HttpHeaders headers, long nowNanos) {
    String v = headers.get(header);
    if (v == null) {
      return;
    }
    double cpu = parse(v);
    if (Double.isNaN(cpu)) {
      return; // a malformed report is no report
    }
    Report r = reports.computeIfAbsent(backendId, id -> new Report());
    r.cpu = cpu;
    r.at = nowNanos;
  }

  /** The backend's last CPU report (1 = 100%), or NaN when none is younger than the max age. */
  public double cpu(String backendId, long nowNanos) {
    Report r = reports.get(backendId);
    return r == null || nowNanos - r.at > maxAgeNanos ? Double.NaN : r.cpu;
  }

  /** Forgets backends no longer in the pool. */
  public void retain(java.util.Set<String> ids) {
    reports.keySet().retainAll(ids);
  }

  /** {@code 0.42}, {@code 42%} or {@code TEXT cpu_utilization=0.42, ...} to 0.42; NaN when malformed or negative. */
  static double parse(String v) {
    String t = v.trim();
    if (t.regionMatches(true, 0, "TEXT ", 0, 5)) {
      int i = t.indexOf("cpu_utilization=");
      if (i < 0) {
        return Double.NaN;
      }
      int start = i + "cpu_utilization=".length();
      int end = start;
      while (end < t.length() && t.charAt(end) != ',' && t.charAt(end) != ' ') {
        end++;
      }
      return ratio(t.substring(start, end), false);
    }
    boolean percent = t.endsWith("%");
    return ratio(percent ? t.substring(0, t.length() - 1) : t, percent);
  }

  private static double ratio(String number, boolean percent) {
    try {
      double d = Double.parseDouble(number);
      d = percent ? d / 100 : d;
      return d >= 0 && Double.isFinite(d) ? d : Double.NaN; // ORCA allows above 1 past a soft limit
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
