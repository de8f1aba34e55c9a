package dev.loadstone.proxy.scaling;

import dev.loadstone.lb.scaling.SeasonalForecast;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The predictive rule's history on disk ({@code scaling.history-file}), so a restart keeps the model: one line
 * per step, {@code EPOCH_MILLIS MEAN_RPS}, after a {@code # loadstone scaling history v1} line. Written to a
 * temporary file beside it and renamed over it, so a crash leaves the old file or the new one, never half of
 * one. A line that does not parse is skipped (counted in one log line); a missing file is an empty history.
 */
final class HistoryFile {
  private static final Logger log = LoggerFactory.getLogger(HistoryFile.class);
  static final String HEADER = "# loadstone scaling history v1";

  private HistoryFile() {}

  static void load(Path file, SeasonalForecast into) {
    if (!Files.exists(file)) {
      log.info("scaling history {}: none yet, starting empty", file);
      return;
    }
    List<double[]> steps = new ArrayList<>();
    int bad = 0;
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] p = t.split(" ");
        try {
          double v = Double.parseDouble(p[1]);
          if (p.length != 2 || !(v >= 0) || Double.isInfinite(v)) {
            throw new NumberFormatException(t);
          }
          steps.add(new double[] {Long.parseLong(p[0]), v});
        } catch (RuntimeException e) {
          bad++;
        }
      }
    } catch (IOException e) {
      log.warn("scaling history {}: cannot be read ({}); starting empty", file, e.getMessage());
      return;
    }
    steps.sort((a, b) -> Double.compare(a[0], b[0]));
    into.restore(steps.toArray(new double[0][]));
    log.info("scaling history {}: {} steps restored{}", file, steps.size(), bad == 0 ? "" : ", " + bad + " unreadable lines skipped");
  }

  static void save(Path file, SeasonalForecast from) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (double[] s : from.history()) {
      sb.append((long) s[0]).append(' ').append(s[1]).append('\n');
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, sb, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("scaling history {}: cannot be written ({})", file, e.getMessage());
    }
  }
}
