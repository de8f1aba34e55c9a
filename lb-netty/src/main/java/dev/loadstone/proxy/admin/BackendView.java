package dev.loadstone.proxy.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadstone.health.CheckResult;
import dev.loadstone.health.HealthChecker;
import dev.loadstone.health.HealthStatus;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.PoolSnapshot;
import java.util.Optional;

/**
 * The JSON the admin API shows: one backend ({@link #backend}) and the whole proxy ({@link #status}), with
 * why a backend has its health ({@code healthReason}, {@code healthSince}, {@code ejectedUntil}), who owns it
 * ({@code source}), its recent rates by status class and p95, and (for the status page) its last minutes.
 */
final class BackendView {
  private final PoolAdmin admin;
  private final ProxyMetrics metrics;
  private final HealthChecker checker; // may be null
  private final ServerStatus server;

  BackendView(PoolAdmin admin, ProxyMetrics metrics, HealthChecker checker, ServerStatus server) {
    this.admin = admin;
    this.metrics = metrics;
    this.checker = checker;
    this.server = server;
  }

  ObjectNode backend(BackendState s) {
    ObjectNode n = AdminJson.JSON.createObjectNode();
    n.put("id", s.id());
    n.put("address", s.backend().address());
    n.put("weight", s.weight());
    n.put("source", admin.source(s.id()).toString());
    n.put("health", s.health().name());
    Optional<HealthStatus> why = checker == null ? Optional.empty() : checker.status(s.id());
    if (why.isPresent()) {
      n.put("healthReason", why.get().reason());
      n.put("healthSince", why.get().since().toString());
      if (why.get().ejected()) {
        n.put("ejectedUntil", why.get().ejectedUntil().toString());
      } else {
        n.putNull("ejectedUntil");
      }
    } else {
      n.putNull("healthReason").putNull("healthSince").putNull("ejectedUntil");
    }
    n.put("adminState", s.adminState().name());
    java.time.Instant changed = admin.changedAt(s.id());
    if (why.isPresent() && (changed == null || why.get().since().isAfter(changed))) {
      changed = why.get().since();
    }
    n.put("lastChange", changed == null ? null : changed.toString());
    n.put("inFlight", s.inFlight());
    n.put("requests", metrics.requests(s.id()));
    n.put("failures", metrics.failures(s.id()));
    Optional<CheckResult> last = checker == null ? Optional.empty() : checker.lastCheck(s.id());
    if (last.isPresent()) {
      CheckResult r = last.get();
      ObjectNode c = n.putObject("lastCheck");
      c.put("passed", r.passed());
      c.put("detail", r.detail());
      c.put("at", r.at().toString());
      c.put("tookMillis", r.took().toNanos() / 1e6);
    } else {
      n.putNull("lastCheck");
    }
    ObjectNode rates = n.putObject("ratesPerSecond"); // over the last 10 s
    double[] r = metrics.rates(s.id());
    for (int i = 0; i < r.length; i++) {
      rates.put(ProxyMetrics.STATUS_CLASSES[i], round(r[i]));
    }
    java.time.Duration p95 = metrics.p95(s.id());
    if (p95 == null) {
      n.putNull("p95Millis");
    } else {
      n.put("p95Millis", round(p95.toNanos() / 1e6));
    }
    return n;
  }

  /** Everything the status page shows: the proxy, then each backend with its last {@code historySeconds}. */
  ObjectNode status(PoolSnapshot snapshot, int historySeconds) {
    ObjectNode n = AdminJson.JSON.createObjectNode();
    n.put("version", ServerStatus.VERSION);
    n.put("algorithm", server.algorithm());
    ArrayNode listeners = n.putArray("listeners");
    server.listeners().forEach(listeners::add);
    n.put("started", server.started().toString());
    n.put("uptimeSeconds", server.uptime().toSeconds());
    n.put("now", server.now().toString());
    n.put("serving", server.serving());
    n.put("available", snapshot.available().size());
    n.put("total", snapshot.all().size());
    java.util.function.Supplier<ObjectNode> scaling = server.scaling();
    if (scaling != null) {
      n.set("scaling", scaling.get()); // the advisor's recommendation, for the status page
    }
    ArrayNode list = n.putArray("backends");
    for (BackendState s : snapshot.all()) {
      ObjectNode b = backend(s);
      double[][] h = metrics.history(s.id(), historySeconds);
      ArrayNode rate = b.putObject("history").putArray("requestsPerSecond");
      ArrayNode p95 = ((ObjectNode) b.get("history")).putArray("p95Millis");
      for (int i = 0; i < h[0].length; i++) {
        rate.add(h[0][i]);
        if (Double.isNaN(h[1][i])) {
          p95.addNull();
        } else {
          p95.add(round(h[1][i]));
        }
      }
      list.add(b);
    }
    return n;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
