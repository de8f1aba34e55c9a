package dev.loadstone.proxy.scaling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadstone.lb.AdminState;
import dev.loadstone.lb.BackendState;
import dev.loadstone.lb.PoolSnapshot;
import dev.loadstone.lb.Ticker;
import dev.loadstone.lb.scaling.BackendLoad;
import dev.loadstone.lb.scaling.Decision;
import dev.loadstone.lb.scaling.Load;
import dev.loadstone.lb.scaling.Metric;
import dev.loadstone.lb.scaling.ScalingAdvisor;
import dev.loadstone.proxy.admin.PoolAdmin;
import dev.loadstone.proxy.admin.ProxyMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ScalingAdvisor} every {@code interval} over the metrics the proxy already keeps: per backend
 * its request rate (last 10 s), in-flight count and reported CPU ({@link LoadReports}); for the pool the
 * response-time p95 and p99 of the last 10 s and the 5xx share. It publishes the decision for {@code GET
 * /api/scaling} ({@link #json()}), as gauges ({@code loadstone_scaling_desired_backends},
 * {@code loadstone_scaling_current_backends}, {@code loadstone_scaling_input{metric}}), and to the hook when the
 * desired count changes. "Current" counts the backends meant to serve: in the pool, ACTIVE and not being
 * removed (a backend still DOWN after it joined counts, so a booting server is not asked for twice).
 */
public final class ScalingService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScalingService.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final java.time.Duration SAVE_EVERY = java.time.Duration.ofMinutes(10);

  private final ScalingConfig config;
  private final ScalingAdvisor advisor;
  private final dev.loadstone.lb.scaling.SeasonalForecast forecast; // the predictive rule's, or null
  private Instant lastSave; // guarded by this
  private final PoolAdmin admin;
  private final ProxyMetrics metrics;
  private final LoadReports reports; // null: no CPU header configured
  private final Ticker ticker;
  private final Clock clock;
  private final ScalingHook hook;
  private final Map<String, Instant> joined = new HashMap<>(); // first seen by the sampler; sampler thread only
  private final java.util.Set<String> drained = new java.util.LinkedHashSet<>(); // by this advisor's scale-in, oldest first; guarded by this
  private volatile Decision last;
  private ScheduledFuture<?> task;
  private ScheduledExecutorService timer;

  public ScalingService(ScalingConfig config, PoolAdmin admin, ProxyMetrics metrics, LoadReports reports, Clock clock) {
    this.config = config;
    if (config.predictive() != null) {
      this.forecast = config.predictive().newForecast();
      if (config.historyFile() != null) {
        HistoryFile.load(config.historyFile(), forecast);
      }
      this.advisor = config.advisor(clock, dev.loadstone.lb.scaling.Rule.predictive(forecast, config.predictive().perBackend()));
    } else {
      this.forecast = null;
      this.advisor = config.advisor(clock);
    }
    this.admin = admin;
    this.metrics = metrics;
    this.reports = reports;
    this.ticker = admin.pool().ticker();
    this.clock = clock;
    this.hook = new ScalingHook(config.command(), config.webhook(), config.hookTimeout());
    MeterRegistry r = metrics.registry();
    Gauge.builder("loadstone.scaling.desired.backends", this, s -> s.last == null ? Double.NaN : s.last.desired())
        .description("Backends the scaling advisor recommends").register(r);
    Gauge.builder("loadstone.scaling.current.backends", this, s -> s.last == null ? Double.NaN : s.last.current())
        .description("Backends meant to serve now (in the pool, ACTIVE, not being removed)").register(r);
    for (Metric m : Metric.values()) {
      Gauge.builder("loadstone.scaling.input", this, s -> s.last == null ? Double.NaN : s.last.inputs().get(m))
          .description("What the scaling advisor read at its last decision (NaN: not known)")
          .tag("metric", m.key()).register(r);
    }
  }

  /** Decides now and then every interval, on a thread of its own (the hook runs on another). */
  public ScalingService start() {
    timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lb-proxy-scaling");
      t.setDaemon(true);
      return t;
    });
    long every = config.interval().toNanos();
    task = timer.scheduleAtFixedRate(this::sampleQuietly, 0, every, TimeUnit.NANOSECONDS);
    return this;
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      log.warn("scaling advisor: sample failed: {}", e.toString());
    }
  }

  /** One decision now (the timer calls this; tests may too). */
  public synchronized Decision sample() {
    Decision d = advisor.decide(load());
    if (forecast != null && config.historyFile() != null
        && (lastSave == null || !d.at().isBefore(lastSave.plus(SAVE_EVERY)))) {
      HistoryFile.save(config.historyFile(), forecast);
      lastSave = d.at();
    }
    if (config.drainOnScaleIn()) {
      for (String id : d.scaleIn()) { // drained backends no longer count as current: the next decision sees it done
        try {
          admin.drain(id);
          drained.add(id);
          log.info("scaling advisor: draining {} (scale-in to {})", id, d.desired());
        } catch (IllegalArgumentException gone) {
          // it left the pool since the load was read
        }
      }
    }
    reenable(d);
    Decision before = last;
    last = d;
    if (before == null || before.desired() != d.desired()) {
      log.info("scaling advisor: {} backends, desired {} ({}: {})", d.current(), d.desired(), d.rule(), d.reason());
    }
    if (before == null ? d.desired() != d.current() : before.desired() != d.desired()) {
      hook.changed(d); // a change of the desired count (the first decision: one that differs from the current count)
    }
    return d;
  }

  /**
   * On a scale-out, first puts back backends this advisor drained at an earlier scale-in that are still in the
   * pool, DRAINING and not being removed (their owner has not taken them out yet): a running server serves at
   * once, where a new one would have to start. Oldest drain first, at most the shortfall. A backend an operator
   * drained is not touched. The hook is still told the desired count (a script that converges on the count
   * finds the re-enabled server among the running ones).
   */
  private void reenable(Decision d) {
    int need = d.desired() - d.current();
    for (java.util.Iterator<String> it = drained.iterator(); it.hasNext() && need > 0; ) {
      String id = it.next();
      BackendState s = admin.pool().snapshot().get(id);
      if (s == null || admin.isBeingRemoved(id) || s.adminState() != AdminState.DRAINING) {
        it.remove(); // removed, being removed, or its state changed by someone else since: no longer ours to undo
        continue;
      }
      try {
        admin.enable(id);
        it.remove();
        need--;
        log.info("scaling advisor: re-enabled {}, drained at an earlier scale-in (scale-out to {})", id, d.desired());
      } catch (IllegalArgumentException gone) {
        it.remove(); // it left the pool since the snapshot
      }
    }
  }

  /** The last decision, or null before the first. */
  public Decision last() {
    return last;
  }

  Load load() {
    PoolSnapshot snap = admin.pool().snapshot();
    long now = ticker.read();
    Instant wall = clock.instant();
    List<BackendLoad> backends = new ArrayList<>();
    double rate = 0;
    double errors = 0;
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (BackendState s : snap.all()) {
      ids.add(s.id());
      joined.putIfAbsent(s.id(), wall);
      if (s.adminState() != AdminState.ACTIVE || admin.isBeingRemoved(s.id())) {
        continue;
      }
      double[] byClass = metrics.rates(s.id());
      double r = 0;
      for (double x : byClass) {
        r += x;
      }
      rate += r;
      errors += byClass[4];
      double cpu = reports == null ? Double.NaN : reports.cpu(s.id(), now);
      backends.add(new BackendLoad(s.id(), r, s.inFlight(), cpu, joined.get(s.id())));
    }
    joined.keySet().retainAll(ids);
    if (reports != null) {
      reports.retain(ids);
    }
    double[] pct = metrics.latencyMillis(95, 99);
    return new Load(backends.size(), rate, pct[0], pct[1], rate == 0 ? Double.NaN : errors / rate, backends);
  }

  /** What {@code GET /api/scaling} answers. */
  public ObjectNode json() {
    Decision d = last;
    ObjectNode n = d == null ? JSON.createObjectNode() : json(d);
    n.put("min", advisor.min());
    n.put("max", advisor.max());
    ArrayNode rules = n.putArray("rules");
    advisor.rules().forEach(r -> rules.add(r.name()));
    if (config.historyFile() != null) {
      n.put("historyFile", config.historyFile().toString());
    }
    ArrayNode schedule = n.putArray("schedule");
    advisor.schedule().forEach(s -> schedule.add(s.toString()));
    n.put("intervalSeconds", config.interval().toMillis() / 1000.0);
    return n;
  }

  /** A decision as JSON: at, current, desired, rule, reason, inputs {metric: value or null}, scaleIn [ids]. */
  static ObjectNode json(Decision d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("at", d.at().toString());
    n.put("current", d.current());
    n.put("desired", d.desired());
    n.put("rule", d.rule());
    n.put("reason", d.reason());
    ObjectNode in = n.putObject("inputs");
    for (Metric m : Metric.values()) {
      Double v = d.inputs().get(m);
      if (v == null || v.isNaN()) {
        in.putNull(m.key());
      } else {
        in.put(m.key(), Math.round(v * 1000) / 1000.0);
      }
    }
    ArrayNode out = n.putArray("scaleIn");
    d.scaleIn().forEach(out::add);
    return n;
  }

  @Override
  public void close() {
    if (task != null) {
      task.cancel(false);
      timer.shutdownNow();
    }
    hook.close();
    synchronized (this) {
      if (forecast != null && config.historyFile() != null) {
        HistoryFile.save(config.historyFile(), forecast); // a restart keeps the model
      }
    }
  }
}
