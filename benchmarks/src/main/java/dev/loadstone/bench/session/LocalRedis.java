package dev.loadstone.bench.session;

import dev.loadstone.session.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;

/**
 * A throwaway redis-server for the benchmarks: session-testkit's {@link RedisServerProcess} (a free loopback port,
 * never the machine's shared Redis), with its files in a temporary directory.
 */
final class LocalRedis {
  private LocalRedis() {}

  static RedisServerProcess start() throws IOException {
    if (System.getProperty("loadstone.redis.dir") == null) {
      System.setProperty("loadstone.redis.dir", Files.createTempDirectory("loadstone-bench-redis").toString());
    }
    return RedisServerProcess.start();
  }
}
