package dev.loadstone.bench.session;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.testing.RedisServerProcess;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request's session work (load, read an attribute, save) against each store, for a 1 KiB and a 16 KiB session:
 * {@code readOnly} changes nothing (no touch due, so a save writes nothing), {@code writeOne} changes one small
 * attribute. Redis runs as a local redis-server started by the benchmark on a free port. At the end of each trial the
 * Redis commands per request are printed (each command is one round trip: the store never pipelines).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionStoreBenchmark {
  @Param({"IN_MEMORY", "REDIS", "REDIS_NEAR_CACHE_TRACKING", "REDIS_NEAR_CACHE_VERSION_CHECK"})
  public StoreType store;

  @Param({"1024", "16384"})
  public int sessionBytes;

  private RedisServerProcess redis;
  private BlockingSessionStore sessions;
  private String id;
  private final LongAdder commands = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private long counter;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (store.needsRedis()) {
      redis = LocalRedis.start();
    }
    CommandListener listener = new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent event) {
        commands.increment();
      }
    };
    sessions = BlockingSessionStore.of(store.create(SessionFactory.defaults(), redis == null ? null : redis.uri(), listener));
    Session s = sessions.create();
    s.setAttribute("user", "alice");
    int attributes = sessionBytes / 1024 * 8; // 128-byte attributes
    for (int i = 0; i < attributes; i++) {
      s.setAttribute("attr" + i, "x".repeat(128 - 12));
    }
    sessions.save(s);
    id = s.id();
    for (int i = 0; i < 1000; i++) { // connect, load the scripts, fill the near-cache
      readOnly();
      writeOne();
    }
    commands.reset();
    requests.reset();
  }

  @Benchmark
  public Object readOnly() {
    requests.increment();
    Session s = sessions.load(id).orElseThrow();
    Object user = s.getAttribute("user");
    sessions.save(s);
    return user;
  }

  @Benchmark
  public String writeOne() {
    requests.increment();
    Session s = sessions.load(id).orElseThrow();
    s.setAttribute("counter", counter++);
    return sessions.save(s);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    System.out.printf("%n[round trips] store=%s bytes=%d commands/request=%.3f%n", store, sessionBytes,
        requests.sum() == 0 ? 0.0 : (double) commands.sum() / requests.sum());
    sessions.close();
    if (redis != null) {
      redis.close();
    }
  }
}
