package dev.loadstone.session.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.token.TokenSessionStore;
import dev.loadstone.session.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The token store's Redis parts as the starter wires them from spring.data.redis.*: spill and revocation. */
class TokenStoreRedisIT {
  static RedisServerProcess redis;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  private WebApplicationContextRunner runner() {
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LoadstoneSessionAutoConfiguration.class))
        .withPropertyValues("loadstone.session.store=token", "spring.data.redis.url=" + redis.uri(),
            "loadstone.session.token.keys=k1=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            "loadstone.session.token.spill=true", "loadstone.session.token.revocation=true");
  }

  @Test
  void aSessionTooLargeForTheCookieSpillsToRedisAndComesBack() {
    runner().run(context -> {
      BlockingSessionStore store = BlockingSessionStore.of(context.getBean(TokenSessionStore.class));
      Session session = store.create();
      session.setAttribute("big", "x".repeat(8 * 1024));
      assertThat(redis.call("KEYS", "loadstone:s:*").toString()).isEqualTo("[]");
      String handle = store.save(session);
      assertThat(handle.length()).isLessThan(1_000); // a signed reference, not the session
      assertThat(redis.call("KEYS", "loadstone:s:*").toString()).matches("\\[loadstone:s:\\{[A-Za-z0-9_-]{22}}]"); // one spilled session
      assertThat(store.load(handle).orElseThrow().getAttribute("big")).isEqualTo("x".repeat(8 * 1024));
    });
  }

  @Test
  void anInvalidatedSessionsTokenIsRevokedInRedis() {
    runner().run(context -> {
      BlockingSessionStore store = BlockingSessionStore.of(context.getBean(TokenSessionStore.class));
      Session session = store.create();
      session.setAttribute("user", "alice");
      String token = store.save(session);
      store.delete(session.id());
      assertThat(store.load(token)).isEmpty();
      assertThat(redis.call("EXISTS", "loadstone:revoked:" + session.id()).toString()).isEqualTo("1");
    });
  }
}
