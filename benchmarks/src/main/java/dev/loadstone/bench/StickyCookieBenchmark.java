package dev.loadstone.bench;

import dev.loadstone.lb.StickyCookies;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** Sticky-cookie encode and verify (HMAC-SHA256, base64url) on one thread; target: verify <= 500 ns/op. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class StickyCookieBenchmark {
  private StickyCookies cookies;
  private String valid;
  private String forged;

  @Setup
  public void setUp() {
    byte[] old = new byte[32];
    byte[] current = new byte[32];
    for (int i = 0; i < 32; i++) {
      old[i] = (byte) i;
      current[i] = (byte) (i * 31 + 7);
    }
    cookies = StickyCookies.builder().addKey("2025-12", old).addKey("2026-01", current).build();
    valid = cookies.encode("backend-17");
    char[] c = valid.toCharArray();
    c[c.length - 3] = c[c.length - 3] == 'A' ? 'B' : 'A';
    forged = new String(c);
  }

  @Benchmark
  public String encode() {
    return cookies.encode("backend-17");
  }

  @Benchmark
  public String verify() {
    return cookies.verify(valid);
  }

  @Benchmark
  public String verifyForged() {
    return cookies.verify(forged);
  }
}
