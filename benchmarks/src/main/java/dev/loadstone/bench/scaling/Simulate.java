package dev.loadstone.bench.scaling;

import dev.loadstone.lb.scaling.ScheduledMinimum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replays the three load shapes of {@link Shapes} through fixed peak capacity and the advisor's reactive,
 * predictive and scheduled policies on the {@link ServerModel#standard()} servers, prints one Markdown table a
 * shape (server-hours and cost against minutes over the p95 target, within the measured window) and writes one
 * SVG a shape (servers and p95 over the window). {@code --record DIR} instead writes the traces the unit tests
 * replay. Deterministic; a few seconds.
 *
 * <pre>java -cp benchmarks.jar dev.loadstone.bench.scaling.Simulate [OUTDIR] | java ... Simulate --record DIR</pre>
 */
public final class Simulate {
  /** The p95 the policies are judged against. */
  public static final Duration TARGET = Duration.ofMillis(250);
  private static final int DAY = 24 * 60;

  /**
   * One shape, the window its totals and plot cover, and the schedule an operator would write for it: the
   * office-hours peak (peak / 300 per server) from 15 minutes before the opening, and for Black Friday the
   * day's peak from 15 minutes before it (a burst no one announced, a schedule cannot know).
   */
  record Scenario(String title, Trace trace, int from, int to, List<ScheduledMinimum> schedule) {}

  private Simulate() {}

  static List<Scenario> scenarios() {
    return List.of(
        new Scenario("Daily cycle 1,000..10,000 req/s (second week)", Shapes.daily(1_000, 10_000), 7 * DAY, 14 * DAY,
            List.of(Policy.weekdays("08:45", "17:00", 34))),
        new Scenario("Black Friday: 1,000 -> 50,000 req/s for 24 h (Thu 12:00 .. Sat 12:00)", Shapes.blackFriday(),
            10 * DAY + 12 * 60, 12 * DAY + 12 * 60,
            List.of(Policy.weekdays("08:45", "17:00", 4), ScheduledMinimum.of("thu", "23:45", "24:00", 167, ZoneOffset.UTC),
                ScheduledMinimum.of("fri", "00:00", "24:00", 167, ZoneOffset.UTC))),
        new Scenario("Sudden 10x burst for 2 h (Wednesday 14:00)", Shapes.burst(), 9 * DAY, 10 * DAY,
            List.of(Policy.weekdays("08:45", "17:00", 7))));
  }

  /** The four policies compared on a scenario, fixed sized for its peak. */
  static List<Policy> policies(Scenario sc) {
    Policy.Settings s = Policy.Settings.standard();
    return List.of(Policy.fixed(Policy.forPeak(sc.trace().peak(), s)), Policy.reactive(s), Policy.predictive(s),
        Policy.scheduled(s, sc.schedule()));
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--record")) {
      record(Path.of(args[1]));
      return;
    }
    Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/scaling");
    Files.createDirectories(out);
    ServerModel model = ServerModel.standard();
    Simulation sim = new Simulation(model, TARGET);
    System.out.printf(Locale.ROOT, "Servers: %.0f req/s each, ready %ds after asked for, $%.2f per server-hour; p95 target %d ms.%n%n",
        model.capacity(), model.startup().toSeconds(), model.costPerHour(), TARGET.toMillis());
    for (Scenario sc : scenarios()) {
      List<Simulation.Run> runs = new ArrayList<>();
      for (Policy p : policies(sc)) {
        runs.add(sim.run(sc.trace(), p, sc.from(), sc.to()));
      }
      System.out.println("### " + sc.title() + "\n");
      System.out.println("| policy | server-hours | cost | minutes p95 > " + TARGET.toMillis() + " ms | requests timed out | max p95 (ms) | scale changes |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      for (Simulation.Run r : runs) {
        double max = 0;
        for (int i = sc.from(); i < sc.to(); i++) {
          max = Math.max(max, r.p95()[i]);
        }
        long changes = r.changes().stream().filter(c -> c.step() >= sc.from() && c.step() < sc.to()).count();
        System.out.printf(Locale.ROOT, "| %s | %,.0f | $%,.2f | %,d | %,d | %,.0f | %d |%n", r.policy(), r.serverHours(), r.cost(),
            r.stepsOver() * sc.trace().step().toMinutes(), r.timedOut(), max, changes);
      }
      System.out.println();
      Path svg = out.resolve(sc.trace().name() + ".svg");
      Files.writeString(svg, SvgPlot.render(sc.title(), sc.trace(), runs, sc.from(), sc.to(), TARGET.toMillis()));
      System.out.println("![" + sc.trace().name() + "](scaling/" + svg.getFileName() + ")\n");
    }
  }

  /** The traces the unit tests replay: four hours around the burst a minute a step, nine days of the cycle at ten. */
  static void record(Path dir) throws IOException {
    Files.createDirectories(dir);
    Shapes.burst().slice("burst-4h-1m", 9 * DAY + 12 * 60, 9 * DAY + 16 * 60).write(dir.resolve("burst-4h-1m.csv"));
    Shapes.daily(1_000, 10_000).slice("daily", 0, 9 * DAY).coarser("daily-9d-10m", 10).write(dir.resolve("daily-9d-10m.csv"));
  }
}
