package dev.loadstone.bench.scaling;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Two stacked charts as one SVG: servers over time (linear) and p95 over time (log scale, with the latency
 * target as a dashed line), one polyline per policy. Steps are grouped into at most {@link #POINTS} buckets
 * and each bucket shows its maximum, so a short spike stays visible. Plain SVG 1.1, no library.
 */
final class SvgPlot {
  static final int POINTS = 600;
  private static final String[] COLORS = {"#7f7f7f", "#d62728", "#1f77b4", "#2ca02c", "#9467bd"};
  private static final int W = 900;
  private static final int H = 260;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int GAP = 60;
  private static final DateTimeFormatter TICK = DateTimeFormatter.ofPattern("EEE HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private SvgPlot() {}

  static String render(String title, Trace trace, List<Simulation.Run> runs, int from, int to, double targetMillis) {
    StringBuilder sb = new StringBuilder();
    int height = TOP + 2 * H + GAP + 50;
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
        + " font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, height, W, height));
    sb.append(text(W / 2, 20, "middle", 15, esc(title)));
    int maxServers = 1;
    for (Simulation.Run r : runs) {
      for (int i = from; i < to; i++) {
        maxServers = Math.max(maxServers, r.servers()[i]);
      }
    }
    double top = niceCeil(maxServers * 1.1);
    double y0 = TOP;
    double y1 = TOP + H + GAP;
    axes(sb, trace, from, to, y0, "servers", linearTicks(top), v -> v / top);
    double lo = Math.log10(10);
    double hi = Math.log10(Simulation.MAX_WAIT.toMillis() * 2);
    axes(sb, trace, from, to, y1, "p95 (ms, log)", new double[] {10, 100, 1_000, 10_000}, v -> (Math.log10(v) - lo) / (hi - lo));
    double ty = y1 + H - H * (Math.log10(targetMillis) - lo) / (hi - lo);
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\" stroke-dasharray=\"4 4\"/>\n",
        LEFT, ty, W - RIGHT, ty));
    sb.append(text(W - RIGHT - 4, (int) ty - 4, "end", 11, "target " + fmt(targetMillis) + " ms"));
    for (int k = 0; k < runs.size(); k++) {
      Simulation.Run r = runs.get(k);
      String color = COLORS[k % COLORS.length];
      int[] s = r.servers();
      double[] p = r.p95();
      sb.append(line(from, to, i -> s[i], v -> y0 + H - H * v / top, color));
      sb.append(line(from, to, i -> p[i], v -> y1 + H - H * (Math.log10(Math.max(v, 10)) - lo) / (hi - lo), color));
      int lx = LEFT + 10 + k * 180;
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>\n", lx, height - 22, color));
      sb.append(text(lx + 20, height - 16, "start", 12, esc(r.policy())));
    }
    return sb.append("</svg>\n").toString();
  }

  private interface Series {
    double at(int i);
  }

  private interface Scale {
    double y(double v);
  }

  private static String line(int from, int to, Series s, Scale y, String color) {
    int buckets = Math.min(POINTS, to - from);
    StringBuilder pts = new StringBuilder();
    for (int b = 0; b < buckets; b++) {
      int a = from + (int) ((long) (to - from) * b / buckets);
      int e = from + (int) ((long) (to - from) * (b + 1) / buckets);
      double max = s.at(a);
      for (int i = a + 1; i < e; i++) {
        max = Math.max(max, s.at(i));
      }
      double x = LEFT + (W - LEFT - RIGHT) * (b + 0.5) / buckets;
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y.y(max)));
    }
    return "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\" points=\"" + pts.toString().trim() + "\"/>\n";
  }

  private static void axes(StringBuilder sb, Trace trace, int from, int to, double y0, String label, double[] ticks, Scale frac) {
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n",
        LEFT, y0, W - LEFT - RIGHT, H));
    for (double t : ticks) {
      double y = y0 + H - H * frac.y(t);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT, y, W - RIGHT, y));
      sb.append(text(LEFT - 6, (int) y + 4, "end", 11, fmt(t)));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\">%s</text>\n",
        y0 + H / 2.0, y0 + H / 2.0, label));
    for (int k = 0; k <= 6; k++) {
      int i = from + (to - from) * k / 6;
      Instant at = trace.at(Math.min(i, trace.steps() - 1));
      double x = LEFT + (W - LEFT - RIGHT) * k / 6.0;
      sb.append(text((int) x, (int) (y0 + H + 16), k == 0 ? "start" : k == 6 ? "end" : "middle", 11, TICK.format(at)));
    }
  }

  private static double[] linearTicks(double top) {
    double step = top / 4;
    return new double[] {0, step, 2 * step, 3 * step, top};
  }

  private static double niceCeil(double v) {
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }

  private static String text(int x, int y, String anchor, int size, String s) {
    return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n", x, y, anchor, size, s);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
