package dev.loadstone.session.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisServerProcessIT {
  @Test
  void startsOnAFreeLoopbackPortAndCanBeKilledAndRestartedOnTheSamePort() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      assertThat(redis.port()).isNotEqualTo(6379);
      assertThat(redis.call("SET", "k", "v")).isEqualTo("OK");
      assertThat(redis.call("GET", "k")).isEqualTo("v");
      int port = redis.port();
      redis.kill();
      assertThat(redis.isRunning()).isFalse();
      assertThatThrownBy(() -> Resp.call(port, Duration.ofMillis(200), "PING")).isInstanceOf(java.io.IOException.class);
      redis.restart();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.call("GET", "k")).as("no persistence: a restarted server is empty").isNull();
    }
  }
}
