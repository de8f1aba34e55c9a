package dev.loadstone.bench.token;

import dev.loadstone.session.Session;
import dev.loadstone.session.token.KeyRing;
import dev.loadstone.session.token.TokenSessionStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Token sessions: issuing a token for a changed session (attribute JSON, payload, HMAC-SHA256 or AES-256-GCM,
 * base64url) and loading one (parse, verify, decode every attribute), for sessions whose payload is about
 * 200 B, 1 KiB and 3.5 KiB. Target: encode + verify of a 1 KiB signed session in at most 5 us.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar TokenBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenBenchmark {

  @Param({"200", "1024", "3584"})
  int payloadBytes;

  @Param({"SIGNED", "ENCRYPTED"})
  TokenMode mode;

  TokenSessionStore store;
  Session session;
  String token;
  int counter;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    store = TokenSessionStore.builder()
        .keyRing(KeyRing.of("bench", key))
        .encrypt(mode.encrypt)
        .maxCookieBytes(8_192) // 3.5 KiB of payload is about 4.8 KB of base64: above the 3,800 default
        .meterRegistry(new SimpleMeterRegistry())
        .build();
    session = store.create().toCompletableFuture().join();
    session.setAttribute("user", "ada.lovelace@example.com");
    session.setAttribute("roles", List.of("user", "editor"));
    session.setAttribute("n", 0);
    token = store.save(session).toCompletableFuture().join();
    int fixed = payloadSize();
    session.setAttribute("data", "d".repeat(Math.max(1, payloadBytes - fixed - 20)));
    token = store.save(session).toCompletableFuture().join();
  }

  /** The payload size behind the current token (base64url text is 4/3 of it). */
  private int payloadSize() {
    String[] parts = token.split("\\.");
    return parts[2].length() * 3 / 4;
  }

  /** Issue a new token for a session that changed (one small attribute set). */
  @Benchmark
  public String encode() {
    session.setAttribute("n", ++counter);
    return store.save(session).toCompletableFuture().join();
  }

  /** Verify and decode a token. */
  @Benchmark
  public Optional<Session> verify() {
    return store.load(token).toCompletableFuture().join();
  }

  /** Both, as one request that changed its session costs the next request and this one. */
  @Benchmark
  public Optional<Session> encodeAndVerify() {
    session.setAttribute("n", ++counter);
    String issued = store.save(session).toCompletableFuture().join();
    return store.load(issued).toCompletableFuture().join();
  }

  /** Prints the token sizes behind each parameter set (run: java -cp benchmarks.jar ...TokenBenchmark). */
  public static void main(String[] args) {
    for (TokenMode m : TokenMode.values()) {
      for (int size : new int[] {200, 1024, 3584}) {
        TokenBenchmark b = new TokenBenchmark();
        b.mode = m;
        b.payloadBytes = size;
        b.setUp();
        System.out.println(m + " " + size + " B payload: token " + b.token.length() + " chars (payload "
            + b.payloadSize() + " B)");
      }
    }
  }
}
