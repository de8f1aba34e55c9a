package dev.loadstone.session.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} started by a test (or a benchmark) on a free loopback port (never the machine's
 * shared Redis), without persistence unless asked, its files under {@code target/redis/} (or the system property
 * {@code loadstone.redis.dir}). It can be killed (SIGKILL) and restarted on the
 * same port to test failures. When no {@code redis-server} binary is on PATH it falls back to a Testcontainers
 * Redis container if a Docker engine is reachable, and otherwise fails with a message saying how to get one.
 * Every instance is stopped by {@link #close()} and, as a last resort, by a JVM shutdown hook.
 */
public final class RedisServerProcess implements AutoCloseable {
  private static final Set<RedisServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(RedisServerProcess::close), "redis-reaper"));
  }

  private final Path dir;
  private final List<String> extraArgs;
  private final boolean sentinel;
  private final ContainerRedis container;
  private volatile int port;
  private volatile Process process;

  private RedisServerProcess(Path dir, List<String> extraArgs, ContainerRedis container) {
    this(dir, extraArgs, container, false);
  }

  private RedisServerProcess(Path dir, List<String> extraArgs, ContainerRedis container, boolean sentinel) {
    this.dir = dir;
    this.extraArgs = extraArgs;
    this.container = container;
    this.sentinel = sentinel;
  }

  /**
   * Starts a Redis Sentinel ({@code redis-server <conf> --sentinel}) on a free port monitoring the master
   * {@code masterName} at 127.0.0.1:{@code masterPort} with quorum 1 and a 1 s down-after time.
   */
  public static RedisServerProcess startSentinel(String masterName, int masterPort) {
    if (binaryOnPath("redis-server") == null) {
      throw new IllegalStateException("redis-server is not on PATH: the Sentinel test needs the binary (apt-get install redis-server)");
    }
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      Path dir = baseDir().resolve("sentinel-" + port + "-" + System.nanoTime());
      RedisServerProcess redis = new RedisServerProcess(dir, List.of(), null, true);
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("sentinel.conf"), String.join("\n",
            "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
            "sentinel down-after-milliseconds " + masterName + " 1000",
            "sentinel failover-timeout " + masterName + " 5000",
            "sentinel parallel-syncs " + masterName + " 1", ""));
        redis.launch(port);
        return redis;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IllegalStateException("could not start redis sentinel after 5 attempts", last);
  }

  /** Starts a standalone redis-server on a free port. */
  public static RedisServerProcess start() {
    return start(List.of());
  }

  /** Starts redis-server with extra arguments (e.g. cluster mode) on a free port. */
  public static RedisServerProcess start(List<String> extraArgs) {
    if (binaryOnPath("redis-server") == null) {
      if (!extraArgs.isEmpty()) {
        throw new IllegalStateException("redis-server is not on PATH: the Cluster tests need the binary "
            + "(apt-get install redis-server, as .ci/run does)");
      }
      return new RedisServerProcess(null, List.of(), ContainerRedis.startOrFail());
    }
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      Path dir = baseDir().resolve(port + "-" + System.nanoTime());
      RedisServerProcess redis = new RedisServerProcess(dir, List.copyOf(extraArgs), null);
      try {
        redis.launch(port);
        return redis;
      } catch (IOException e) {
        last = e; // most likely lost the race for the port: try another one
      }
    }
    throw new IllegalStateException("could not start redis-server after 5 attempts", last);
  }

  public int port() {
    return container != null ? container.port() : port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port();
  }

  /** The working directory (holds redis.log, and nodes.conf in cluster mode). */
  public Path dir() {
    return dir;
  }

  /** Sends one command and returns the reply (see {@link Resp}). */
  public Object call(String... args) {
    try {
      return Resp.call(port(), Duration.ofSeconds(5), args);
    } catch (IOException e) {
      throw new IllegalStateException("redis " + String.join(" ", args) + " failed on port " + port(), e);
    }
  }

  public boolean isRunning() {
    if (container != null) {
      return container.isRunning();
    }
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Kills the server at once (SIGKILL), like a crash: no shutdown, no save. */
  public void kill() {
    if (container != null) {
      container.stop();
      return;
    }
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RUNNING.remove(this);
  }

  /** Starts the server again on the same port (empty, since there is no persistence; cluster config is kept). */
  public void restart() {
    if (container != null) {
      container.restart();
      return;
    }
    if (isRunning()) {
      throw new IllegalStateException("redis-server on port " + port + " is still running");
    }
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        launch(port);
        return;
      } catch (IOException e) {
        last = e; // the port may still be in TIME_WAIT or briefly taken: wait for the condition, bounded
        waitMillis(100);
      }
    }
    throw new IllegalStateException("could not restart redis-server on port " + port, last);
  }

  @Override
  public void close() {
    if (container != null) {
      container.close();
      return;
    }
    kill();
  }

  private void launch(int port) throws IOException {
    Files.createDirectories(dir);
    List<String> cmd = sentinel
        ? new ArrayList<>(List.of("redis-server", dir.resolve("sentinel.conf").toString(), "--sentinel", "--port",
            Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--logfile", "redis.log",
            "--daemonize", "no", "--protected-mode", "no"))
        : new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", "redis.log",
            "--daemonize", "no", "--protected-mode", "no"));
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .start();
    this.port = port;
    this.process = p;
    RUNNING.add(this);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        RUNNING.remove(this);
        throw new IOException("redis-server exited with " + p.exitValue() + " on port " + port + "; see " + dir);
      }
      try {
        if ("PONG".equals(Resp.call(port, Duration.ofMillis(200), "PING"))) {
          return;
        }
      } catch (IOException notYet) {
        if (String.valueOf(notYet.getMessage()).contains("NOAUTH")) {
          return; // up, and requires a password
        }
        // not listening yet
      }
      waitMillis(20);
    }
    p.destroyForcibly();
    RUNNING.remove(this);
    throw new IOException("redis-server did not answer PING within 10 s on port " + port + "; see " + dir);
  }

  /** Where servers keep their files: {@code target/redis}, or the system property {@code loadstone.redis.dir}. */
  static Path baseDir() {
    String dir = System.getProperty("loadstone.redis.dir");
    return (dir != null ? Path.of(dir) : Path.of("target", "redis")).toAbsolutePath();
  }

  /** A port that was free a moment ago on 127.0.0.1 (callers retry when they lose the race). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }

  static String binaryOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      File f = new File(d, name);
      if (f.isFile() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }

  static void waitMillis(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis); // polling interval of a readiness loop, not a timing assumption
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
