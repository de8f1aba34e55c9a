package dev.loadstone.lb.scaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Says how many backends the pool should have, from its load and the configured policies; it never acts
 * itself (the proxy publishes the answer; a hook, KEDA or an HPA acts on it). Pure: no I/O, time from the
 * injected {@link Clock}, so a recorded trace gives the same decisions every time.
 *
 * <p>One {@link #decide} runs, in order: every {@link Rule} proposes a count and the largest proposal wins
 * (scale-out beats scale-in, as HPA takes the largest of its metrics); with no proposal the last desired count
 * stays. Scale-in is stabilized as HPA does it: the count goes down only to the highest recommendation of the
 * last {@code scaleInWindow}. After a change, the count holds for {@code cooldown}. Last, the floor of every
 * open {@link ScheduledMinimum} and the bounds {@code min..max} apply (they apply during a cooldown too).
 * Not thread-safe: one caller (the proxy's sampler) drives it.
 */
public final class ScalingAdvisor {
  private final int min;
  private final int max;
  private final Duration cooldown;
  private final Duration scaleInWindow;
  private final List<Rule> rules;
  private final List<ScheduledMinimum> schedule;
  private final Clock clock;
  private final Deque<Recommendation> window = new ArrayDeque<>();
  private Integer lastDesired; // null before the first decision
  private Instant lastChange;

  private record Recommendation(Instant at, int count) {}

  private ScalingAdvisor(Builder b) {
    this.min = b.min;
    this.max = b.max;
    this.cooldown = b.cooldown;
    this.scaleInWindow = b.scaleInWindow;
    this.rules = List.copyOf(b.rules);
    this.schedule = List.copyOf(b.schedule);
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Rule> rules() {
    return rules;
  }

  public List<ScheduledMinimum> schedule() {
    return schedule;
  }

  public int min() {
    return min;
  }

  public int max() {
    return max;
  }

  /** Decides the desired count for this load now. */
  public Decision decide(Load load) {
    Instant now = clock.instant();
    int prev = lastDesired == null ? load.current() : lastDesired;
    String rule = "steady";
    String reason = "no rule fired: keep " + prev;
    int raw = prev;
    Rule.Proposal best = null;
    for (Rule r : rules) {
      Rule.Proposal p = r.propose(load, now);
      if (p != null && (best == null || p.desired() > best.desired())) {
        best = p;
        rule = r.name();
      }
    }
    if (best != null) {
      raw = best.desired();
      reason = best.reason();
    }
    if (raw < min || raw > max) {
      int bounded = Math.max(min, Math.min(max, raw));
      reason = reason + "; bounded by " + (raw < min ? "min " : "max ") + bounded;
      rule = raw < min ? "min" : "max";
      raw = bounded;
    }
    window.addLast(new Recommendation(now, raw));
    while (!window.isEmpty() && window.peekFirst().at().isBefore(now.minus(scaleInWindow))) {
      window.removeFirst();
    }
    int desired = raw;
    if (raw < prev) {
      int highest = window.stream().mapToInt(Recommendation::count).max().orElse(raw);
      int held = Math.min(prev, highest);
      if (held != raw) {
        reason = reason + "; held at " + held + " by the scale-in window (" + fmt(scaleInWindow) + "): the highest recommendation in it was " + highest;
        rule = "scale-in window";
        desired = held;
      }
    }
    if (desired != prev && lastChange != null && now.isBefore(lastChange.plus(cooldown))) {
      reason = "wanted " + desired + " (" + reason + "), but the last change was " + fmt(Duration.between(lastChange, now))
          + " ago, within the cooldown of " + fmt(cooldown);
      rule = "cooldown";
      desired = prev;
    }
    int floor = min;
    ScheduledMinimum open = null;
    for (ScheduledMinimum s : schedule) {
      if (s.activeAt(now) && s.min() > floor) {
        floor = s.min();
        open = s;
      }
    }
    floor = Math.min(floor, max);
    if (desired < floor) {
      reason = (open != null ? "schedule " + open : "min " + min) + " is above " + desired + ": " + floor;
      rule = open != null ? "schedule " + open : "min";
      desired = floor;
    } else if (desired > max) {
      reason = desired + " is above max: " + max;
      rule = "max";
      desired = max;
    }
    if (desired != prev) {
      lastChange = now;
    }
    lastDesired = desired;
    return new Decision(now, load.current(), desired, rule, reason, load.values(), scaleIn(load, desired));
  }

  /** The backends to take out when desired is below current: least in flight first, newest first among equals. */
  static List<String> scaleIn(Load load, int desired) {
    int n = Math.min(load.backends().size(), load.current() - desired);
    if (n <= 0) {
      return List.of();
    }
    List<BackendLoad> order = new ArrayList<>(load.backends());
    order.sort(Comparator.comparingInt(BackendLoad::inFlight).thenComparing(BackendLoad::joined, Comparator.reverseOrder())
        .thenComparing(BackendLoad::id));
    return order.subList(0, n).stream().map(BackendLoad::id).toList();
  }

  private static String fmt(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  /** Bounds default to 1..100, cooldown to 3 minutes, the scale-in window to 5 minutes (HPA's default). */
  public static final class Builder {
    private int min = 1;
    private int max = 100;
    private Duration cooldown = Duration.ofMinutes(3);
    private Duration scaleInWindow = Duration.ofMinutes(5);
    private final List<Rule> rules = new ArrayList<>();
    private final List<ScheduledMinimum> schedule = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    public Builder bounds(int min, int max) {
      if (min < 0 || max < 1 || max < min || max > 10_000) {
        throw new IllegalArgumentException("scaling min/max: " + min + "/" + max + " (expected: 0 <= min <= max, 1 <= max <= 10000)");
      }
      this.min = min;
      this.max = max;
      return this;
    }

    public Builder cooldown(Duration d) {
      this.cooldown = notNegative("cooldown", d);
      return this;
    }

    public Builder scaleInWindow(Duration d) {
      this.scaleInWindow = notNegative("scale-in-window", d);
      return this;
    }

    public Builder rule(Rule r) {
      rules.add(Objects.requireNonNull(r, "rule"));
      return this;
    }

    public Builder schedule(ScheduledMinimum s) {
      schedule.add(Objects.requireNonNull(s, "schedule"));
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    public ScalingAdvisor build() {
      for (ScheduledMinimum s : schedule) {
        if (s.min() > max) {
          throw new IllegalArgumentException("schedule '" + s + "' min: " + s.min() + " (expected: at most max " + max + ")");
        }
      }
      return new ScalingAdvisor(this);
    }

    private static Duration notNegative(String key, Duration d) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(key + ": " + d + " (expected: >= 0)");
      }
      return d;
    }
  }
}
