package dev.loadstone.demo;

import dev.loadstone.session.testing.RedisServerProcess;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The same demo checks with sessions in a real redis-server (--redis), started and stopped here. */
class DemoWithRedisIT extends DemoIT {
  private RedisServerProcess redis;

  @Override
  protected List<String> extraArgs() {
    redis = RedisServerProcess.start();
    return List.of("--redis", redis.uri());
  }

  @Override
  protected String expectedStore() {
    return "redis";
  }

  @AfterEach
  void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }
}
