package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The suite with the Redis store on one real redis-server per class (flushed per test). */
abstract class AbstractRedisSessionFilterSuite extends AbstractSessionFilterSuite {
  static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Override
  protected SessionStore newStore() {
    redis.call("FLUSHALL");
    return Stores.redis(redis.uri(), clock);
  }
}
