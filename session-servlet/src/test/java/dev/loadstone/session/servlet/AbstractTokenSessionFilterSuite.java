package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.testing.RedisServerProcess;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.redis.RedisRevocationLists;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The suite with signed tokens, revoked on invalidation in one redis-server per class (flushed per test). */
abstract class AbstractTokenSessionFilterSuite extends AbstractSessionFilterSuite {
  static RedisServerProcess redis;
  static RevocationList revocations;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
    revocations = RedisRevocationLists.connect(redis.uri(), Duration.ofSeconds(2));
  }

  @AfterAll
  static void stopRedis() {
    revocations.close();
    redis.close();
  }

  @Override
  protected SessionStore newStore() {
    redis.call("FLUSHALL");
    return Stores.tokens(revocations, clock);
  }

  @org.junit.jupiter.api.Test
  void aSessionThatOutgrowsTheCookieKeepsThePreviousTokenAndAnswersNormally() throws Exception {
    browser.get("/count");
    String token = browser.cookie;
    Browser.Reply grown = browser.get("/grow?kib=5");
    org.assertj.core.api.Assertions.assertThat(grown.status()).isEqualTo(200);
    org.assertj.core.api.Assertions.assertThat(grown.setCookies()).isEmpty();
    org.assertj.core.api.Assertions.assertThat(browser.cookie).isEqualTo(token);
    org.assertj.core.api.Assertions.assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }
}
