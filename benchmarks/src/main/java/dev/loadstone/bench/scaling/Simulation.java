package dev.loadstone.bench.scaling;

import dev.loadstone.lb.scaling.BackendLoad;
import dev.loadstone.lb.scaling.Decision;
import dev.loadstone.lb.scaling.Load;
import dev.loadstone.lb.scaling.ScalingAdvisor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a {@link Trace} through one {@link Policy} and the {@link ServerModel}, one advisor decision a step, as
 * the proxy's sampler drives it: at the end of each step the advisor reads what the proxy would have measured
 * (the served request rate, the step's p95 and p99, each server's rate, in-flight count and CPU, booting servers
 * as serving nothing) at the step's instant through an injected clock; a scale-out asks for servers that are
 * ready {@code startup} later, a scale-in stops the servers the decision names. Work past capacity waits in a
 * backlog of at most {@link #MAX_WAIT} (a client timeout); what overflows it is counted as timed out.
 * Deterministic: the same trace, policy and model give the same run.
 */
public final class Simulation {
  static final Duration MAX_WAIT = Duration.ofSeconds(30);

  private final ServerModel model;
  private final double targetP95Millis;

  public Simulation(ServerModel model, Duration latencyTarget) {
    this.model = model;
    this.targetP95Millis = latencyTarget.toNanos() / 1e6;
  }

  /** One advisor decision that changed the desired count. */
  public record Change(int step, Instant at, int current, int desired, String rule) {
    @Override
    public String toString() {
      return step + " " + current + "->" + desired + " " + rule;
    }
  }

  /**
   * One policy's run: servers asked for (booting included) and p95 at every step; server-hours, steps over the
   * latency target and requests timed out within the measured window; the changes of the desired count.
   */
  public record Run(String policy, int[] servers, double[] p95, double serverHours, double cost, int stepsOver,
      long timedOut, List<Change> changes) {}

  private record Server(String id, Instant asked, Instant ready) {}

  private static final class StepClock extends Clock {
    Instant now;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Runs the whole trace; totals count the steps {@code from} (inclusive) to {@code to} (exclusive). */
  public Run run(Trace trace, Policy policy, int from, int to) {
    return run(trace, policy, from, to, policy.isFixed() ? policy.fixed() : policy.settings().min());
  }

  /** As {@link #run(Trace, Policy, int, int)}, an advisor policy starting from {@code initial} ready servers. */
  public Run run(Trace trace, Policy policy, int from, int to, int initial) {
    double stepSec = trace.step().toNanos() / 1e9;
    StepClock clock = new StepClock();
    ScalingAdvisor advisor = policy.isFixed() ? null : policy.advisor(clock, trace.step());
    List<Server> servers = new ArrayList<>();
    int nextId = 0;
    for (; nextId < initial; nextId++) {
      servers.add(new Server("s" + nextId, trace.start(), trace.start()));
    }
    int n = trace.steps();
    int[] count = new int[n];
    double[] p95 = new double[n];
    double backlog = 0;
    double serverSteps = 0;
    int over = 0;
    long timedOut = 0;
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant now = trace.at(i);
      clock.now = now.plus(trace.step()); // the decision at the end of the step
      int ready = (int) servers.stream().filter(s -> !s.ready().isAfter(now)).count();
      double capacity = ready * model.capacity();
      double work = trace.rps(i) * stepSec + backlog;
      double served = Math.min(work, capacity * stepSec);
      backlog = work - served;
      double overflow = Math.max(0, backlog - capacity * MAX_WAIT.toSeconds());
      backlog -= overflow;
      double rho = capacity == 0 ? 1 : trace.rps(i) / capacity;
      double wait = capacity == 0 ? MAX_WAIT.toSeconds() : backlog / capacity;
      count[i] = servers.size();
      p95[i] = model.p95Millis(rho, wait);
      if (i >= from && i < to) {
        serverSteps += servers.size();
        over += p95[i] > targetP95Millis ? 1 : 0;
        timedOut += Math.round(overflow);
      }
      if (advisor == null) {
        continue;
      }
      double rate = served / stepSec;
      double p99 = p95[i] * Math.log(100) / Math.log(20);
      List<BackendLoad> loads = new ArrayList<>();
      for (Server s : servers) {
        boolean up = !s.ready().isAfter(now);
        double r = up ? rate / ready : 0;
        int inFlight = up ? (int) Math.round(r * model.service().toNanos() / 1e9 / (1 - Math.min(rho, ServerModel.MAX_RHO))) : 0;
        loads.add(new BackendLoad(s.id(), r, inFlight, up ? Math.min(rho, 1) : Double.NaN, s.asked()));
      }
      Decision d = advisor.decide(new Load(servers.size(), rate, p95[i], p99, 0, loads));
      if (d.desired() != d.current()) {
        changes.add(new Change(i, clock.now, d.current(), d.desired(), d.rule()));
      }
      for (; servers.size() < d.desired(); nextId++) {
        servers.add(new Server("s" + nextId, clock.now, clock.now.plus(model.startup())));
      }
      servers.removeIf(s -> d.scaleIn().contains(s.id()));
    }
    double hours = serverSteps * stepSec / 3600;
    return new Run(policy.name(), count, p95, hours, hours * model.costPerHour(), over, timedOut, List.copyOf(changes));
  }
}
