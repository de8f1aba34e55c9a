package dev.loadstone.bench.scaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A load trace: the offered request rate (requests per second) at fixed steps from {@code start}. Stored as
 * CSV, one {@code epoch-second,rps} line a step after a {@code # step-seconds N} header, so a recorded trace
 * (a production log's per-minute counts, or a shape written once by {@link Shapes}) replays exactly.
 */
public record Trace(String name, Instant start, Duration step, double[] rps) {
  public Trace {
    if (step.toSeconds() < 1 || rps.length == 0) {
      throw new IllegalArgumentException("trace " + name + ": step " + step + ", " + rps.length + " steps (expected: a step >= 1s, at least one step)");
    }
    rps = rps.clone();
  }

  public int steps() {
    return rps.length;
  }

  public Instant at(int i) {
    return start.plus(step.multipliedBy(i));
  }

  public double rps(int i) {
    return rps[i];
  }

  public double peak() {
    double p = 0;
    for (double r : rps) {
      p = Math.max(p, r);
    }
    return p;
  }

  public void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("# step-seconds ").append(step.toSeconds()).append('\n');
    for (int i = 0; i < rps.length; i++) {
      sb.append(at(i).getEpochSecond()).append(',').append(String.format(Locale.ROOT, "%.1f", rps[i])).append('\n');
    }
    Files.writeString(file, sb);
  }

  /** Reads a trace written by {@link #write}; its name is the file name without {@code .csv}. */
  public static Trace read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String name = file.getFileName().toString().replaceFirst("\\.csv$", "");
    if (lines.isEmpty() || !lines.get(0).startsWith("# step-seconds ")) {
      throw new IllegalArgumentException(file + ": line 1: '" + (lines.isEmpty() ? "" : lines.get(0)) + "' (expected: # step-seconds N)");
    }
    Duration step = Duration.ofSeconds(Long.parseLong(lines.get(0).substring("# step-seconds ".length()).trim()));
    List<Double> values = new ArrayList<>();
    Instant start = null;
    for (int n = 1; n < lines.size(); n++) {
      String[] f = lines.get(n).split(",");
      if (f.length != 2) {
        throw new IllegalArgumentException(file + ": line " + (n + 1) + ": '" + lines.get(n) + "' (expected: epoch-second,rps)");
      }
      Instant at = Instant.ofEpochSecond(Long.parseLong(f[0].trim()));
      if (start == null) {
        start = at;
      } else if (!at.equals(start.plus(step.multipliedBy(values.size())))) {
        throw new IllegalArgumentException(file + ": line " + (n + 1) + ": " + at + " (expected: " + start.plus(step.multipliedBy(values.size())) + ")");
      }
      values.add(Double.parseDouble(f[1].trim()));
    }
    return new Trace(name, start, step, values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Steps {@code from} (inclusive) to {@code to} (exclusive) as a trace of its own. */
  public Trace slice(String newName, int from, int to) {
    return new Trace(newName, at(from), step, java.util.Arrays.copyOfRange(rps, from, to));
  }

  /** The mean of every {@code factor} steps: a coarser trace (a whole number of its steps). */
  public Trace coarser(String newName, int factor) {
    double[] out = new double[rps.length / factor];
    for (int i = 0; i < out.length; i++) {
      double sum = 0;
      for (int k = 0; k < factor; k++) {
        sum += rps[i * factor + k];
      }
      out[i] = Math.round(sum / factor * 10) / 10.0;
    }
    return new Trace(newName, start, step.multipliedBy(factor), out);
  }
}
