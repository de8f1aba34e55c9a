package dev.loadstone.bench.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's policies (the real lb-core advisor) on recorded traces under {@code src/test/resources/scaling}
 * (written once by {@code Simulate --record}): each run's decisions, exactly. A change of a rule, of the advisor
 * or of the server model shows here as a changed decision list.
 */
class SimulationTest {
  private static final Policy.Settings S = Policy.Settings.standard();
  private static final Simulation SIM = new Simulation(ServerModel.standard(), Duration.ofMillis(250));
  private static final int DAY_10M = 144; // ten-minute steps in a day

  private static Trace recorded(String name) throws IOException, URISyntaxException {
    return Trace.read(Path.of(SimulationTest.class.getResource("/scaling/" + name + ".csv").toURI()));
  }

  private static List<String> changes(Simulation.Run r, int from, int to) {
    return r.changes().stream().filter(c -> c.step() >= from && c.step() < to).map(Simulation.Change::toString).toList();
  }

  @Test
  void targetTrackingOnAHandTraceDecidesAsComputedByHand() {
    // 2 servers of 500 req/s; 600 req/s is 300 a server: on target. At 1,500 the servers serve 1,000 (the advisor
    // sees what is served): 500 a server, ceil(2 x 500/300) = 4. Until the two new ones are ready (5 min after the
    // end of step 2: step 8), 500 req/s more than capacity arrive; the 30 s backlog is full after step 2, so each
    // of steps 3..7 times out 30,000 requests. At step 8 the 4 servers serve the 1,500 and the backlog: 2,000/s,
    // 500 a server, past the 3-minute cooldown: ceil(4 x 500/300) = 7.
    double[] rps = {600, 600, 1500, 1500, 1500, 1500, 1500, 1500, 1500, 1500};
    Simulation.Run r = SIM.run(new Trace("hand", Shapes.START, Duration.ofMinutes(1), rps), Policy.reactive(S), 0, rps.length);
    assertThat(changes(r, 0, rps.length)).containsExactly("2 2->4 target rps-per-backend 300", "8 4->7 target rps-per-backend 300");
    assertThat(r.servers()).containsExactly(2, 2, 2, 4, 4, 4, 4, 4, 4, 7);
    assertThat(r.timedOut()).isEqualTo(5 * 30_000);
    assertThat(r.stepsOver()).isEqualTo(6); // steps 2..7 at a 30 s wait
    assertThat(r.p95()[0]).isCloseTo(-Math.log(0.05) * 20 / (1 - 0.6), within(1e-9)); // rho 600/1000
    assertThat(r.p95()[8]).isCloseTo(-Math.log(0.05) * 20 / (1 - 0.75), within(1e-9)); // rho 1500/2000
    assertThat(r.serverHours()).isCloseTo(37 / 60.0, within(1e-9)); // the sum of servers over the ten minutes
  }

  @Test
  void reactiveFollowsTheRecordedBurstSixStepsBehindTheLoad() throws Exception {
    Trace t = recorded("burst-4h-1m"); // Wednesday 12:00-16:00, 10x from 14:00 (step 120) to 16:00
    Simulation.Run r = SIM.run(t, Policy.reactive(S), 0, t.steps(), 6);
    assertThat(changes(r, 0, t.steps())).containsExactly(
        "88 6->7 target rps-per-backend 300",
        "120 7->12 target rps-per-backend 300", // served is capped at capacity: at most 500/300 x a step
        "126 12->20 target rps-per-backend 300", // each step waits out the cooldown and the 5-minute start
        "132 20->34 target rps-per-backend 300",
        "138 34->57 target rps-per-backend 300",
        "144 57->91 target rps-per-backend 300", // the backlog's catch-up overshoots
        "150 91->67 scale-in window"); // down only to the highest recommendation of the last 5 minutes
    assertThat(r.stepsOver()).isEqualTo(24);
    assertThat(r.timedOut()).isEqualTo(14_339_676);
  }

  @Test
  void aScheduleRaisesTheFloorAtOnceButCannotForeseeAnUnannouncedBurst() throws Exception {
    Trace t = recorded("burst-4h-1m");
    Simulation.Run r = SIM.run(t, Policy.scheduled(S, List.of(Policy.weekdays("08:45", "17:00", 7))), 0, t.steps(), 6);
    assertThat(changes(r, 0, 121)).containsExactly("0 6->7 schedule mon-fri 08:45-17:00 at least 7 (Z)",
        "120 7->12 target rps-per-backend 300");
    assertThat(r.stepsOver()).isEqualTo(24); // the same 24 minutes as reactive alone: the burst was not on the calendar
  }

  @Test
  void predictiveScalesOutBeforeTheMondayOpeningThatReactiveOnlyAnswers() throws Exception {
    Trace t = recorded("daily-9d-10m"); // Monday 2026-11-16 .. Tuesday 24th, ten minutes a step
    int monday = 7 * DAY_10M;
    int from = monday + 48; // 08:00 .. 10:00 of the second Monday; the office opens at 09:00 (step +54)
    Simulation.Run reactive = SIM.run(t, Policy.reactive(S), monday, monday + DAY_10M);
    Simulation.Run predictive = SIM.run(t, Policy.predictive(S), monday, monday + DAY_10M);
    assertThat(changes(reactive, from, from + 12)).containsExactly(
        "1056 7->9 target rps-per-backend 300",
        "1062 9->15 target rps-per-backend 300", // 09:10: after the opening
        "1064 15->24 target rps-per-backend 300");
    assertThat(changes(predictive, from, from + 12)).containsExactly(
        "1056 8->9 predictive rps at 300 per backend",
        "1058 9->10 predictive rps at 300 per backend",
        "1061 10->16 predictive rps at 300 per backend", // 09:00, ready at the opening's first step after it
        "1062 16->19 predictive rps at 300 per backend",
        "1063 19->24 predictive rps at 300 per backend",
        "1064 24->25 predictive rps at 300 per backend");
    assertThat(reactive.stepsOver()).isEqualTo(4);
    assertThat(predictive.stepsOver()).isEqualTo(2);
    assertThat(reactive.timedOut()).isEqualTo(1_380_540);
    assertThat(predictive.timedOut()).isZero();
    assertThat(predictive.serverHours()).isGreaterThan(reactive.serverHours()); // the forecast's price: 413 against 393
  }

  @Test
  void fixedCapacityNeverChangesAndCostsItsCountEveryHour() throws Exception {
    Trace t = recorded("burst-4h-1m");
    int n = Policy.forPeak(t.peak(), S);
    Simulation.Run r = SIM.run(t, Policy.fixed(n), 0, t.steps());
    assertThat(n).isEqualTo(70); // the 10x peak, about 20,900 req/s, at 300 a server
    assertThat(r.changes()).isEmpty();
    assertThat(r.serverHours()).isCloseTo(n * 4.0, within(1e-9));
    assertThat(r.cost()).isCloseTo(n * 4.0 * 0.10, within(1e-9));
    assertThat(r.stepsOver()).isZero();
  }

  @Test
  void aTraceWrittenReadsBackTheSame(@TempDir Path dir) throws Exception {
    Trace t = Shapes.burst().slice("x", 0, 30);
    t.write(dir.resolve("x.csv"));
    Trace back = Trace.read(dir.resolve("x.csv"));
    assertThat(back.rps()).containsExactly(t.rps());
    assertThat(back.start()).isEqualTo(t.start());
    assertThat(back.step()).isEqualTo(t.step());
  }

  @Test
  void aTraceWithAGapIsRefusedWithTheLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("gap.csv"), "# step-seconds 60\n1795608000,1.0\n1795608120,2.0\n");
    assertThatThrownBy(() -> Trace.read(dir.resolve("gap.csv"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(dir.resolve("gap.csv") + ": line 3: 2026-11-25T12:02:00Z (expected: 2026-11-25T12:01:00Z)");
  }
}
