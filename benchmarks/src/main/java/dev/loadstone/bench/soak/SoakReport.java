package dev.loadstone.bench.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The soak's result as markdown, and whether the targets hold. */
final class SoakReport {
  private SoakReport() {}

  /** Kinds whose requests are idempotent (target: no failure at all). */
  private static final List<String> IDEMPOTENT = List.of("keepalive-get", "keepalive-get-2", "new-connection-get", "large-get", "sticky-get");

  static boolean print(SoakTraffic t, List<String> chaos, Duration length, long heapStart, long heapEnd, long fdsStart,
      long fdsEnd, long leaks, Path log) {
    System.out.println("## Soak: " + length.toMinutes() + " min, 3 backends, a kill every 30 s, a drain every 60 s\n");
    System.out.println("| traffic | answered | failed |\n|---|---:|---:|");
    Map<String, Long> failed = new TreeMap<>();
    for (SoakTraffic.Failure f : t.failures) {
      failed.merge(f.kind(), 1L, Long::sum);
    }
    long idempotentFailures = 0;
    for (Map.Entry<String, java.util.concurrent.atomic.LongAdder> e : new TreeMap<>(t.ok).entrySet()) {
      long n = failed.getOrDefault(e.getKey(), 0L);
      if (IDEMPOTENT.contains(e.getKey())) {
        idempotentFailures += n;
      }
      System.out.println("| " + e.getKey() + " | " + e.getValue().sum() + " | " + n + " |");
    }
    System.out.println("\nsticky clients moved to another backend " + t.stickyMoves.sum() + " times (kills and drains)");
    double heapChange = heapStart == 0 ? 0 : (heapEnd - heapStart) * 100.0 / heapStart;
    System.out.printf("%nheap after GC: %d KiB at the start, %d KiB at the end (%+.1f%%)%n", heapStart, heapEnd, heapChange);
    System.out.println("open descriptors: " + fdsStart + " at the start, " + fdsEnd + " at the end");
    System.out.println("leak reports: " + leaks + " (" + log + ")");
    List<Long> kills = chaos.stream().filter(c -> c.contains(" kill ")).map(c -> Long.parseLong(c.substring(0, c.indexOf(' ')))).toList();
    long atKill = t.failures.stream().filter(f -> kills.stream().anyMatch(k -> f.atMillis() >= k && f.atMillis() - k <= 2000)).count();
    System.out.println("failures within 2 s after a backend kill (exchanges or tunnels in flight on it): " + atKill
        + " of " + t.failures.size());
    System.out.println("\nfailures (first 30):");
    t.failures.stream().limit(30).forEach(f -> System.out.println("- " + f.atMillis() + " ms " + f.kind() + ": " + f.what()));
    System.out.println("\nchaos: " + String.join("; ", chaos));
    boolean ok = idempotentFailures == 0 && Math.abs(heapChange) <= 10 && fdsStart == fdsEnd && leaks == 0;
    System.out.println("\ntargets (0 idempotent failures, heap within 10%, descriptors equal, 0 leaks): " + (ok ? "met" : "NOT met"));
    return ok;
  }
}
