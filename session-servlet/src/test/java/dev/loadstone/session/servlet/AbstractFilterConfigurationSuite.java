package dev.loadstone.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.testing.MutableClock;
import dev.loadstone.session.testing.RedisServerProcess;
import dev.loadstone.session.token.KeyRing;
import dev.loadstone.session.RevocationList;
import dev.loadstone.session.redis.RedisRevocationLists;
import dev.loadstone.session.token.TokenSessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** web.xml-style configuration and store outages, in each container. */
abstract class AbstractFilterConfigurationSuite {
  ServletContainer container;
  CountingServlet servlet = new CountingServlet();
  RedisServerProcess redis;
  RevocationList revocations;
  SessionStore store;
  final MutableClock clock = MutableClock.startingNow();

  protected abstract ServletContainer newContainer();

  @AfterEach
  void stop() throws Exception {
    if (container != null) {
      container.close();
    }
    if (store != null) {
      store.close();
    }
    if (revocations != null) {
      revocations.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void initParametersConfigureTheFilterAsInWebXml(@TempDir Path dir) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keys = Files.writeString(dir.resolve("keys"), "web=" + Base64.getEncoder().encodeToString(key) + "\n");
    RecordingListener.LAST_CREATED_BY_INIT_PARAMS.clear();
    container = newContainer();
    int port = container.start(null, Map.of(
        "store", "token",
        "token.keys-file", keys.toString(),
        "idle-timeout", "PT10M",
        "cookie.name", "APP",
        "cookie.same-site", "Strict",
        "cookie.max-age", "3600",
        "cookie.secure", "true",
        "cookie.http-only", "false",
        "listeners", RecordingListener.class.getName()), servlet);
    Browser browser = new Browser(port, "APP");

    Browser.Reply first = browser.get("/count");
    assertThat(first.body()).startsWith("visits=1 new=true");
    assertThat(first.setCookie()).matches("APP=v1\\.web\\.[^;]+; Path=/; Max-Age=3600; Secure; SameSite=Strict");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
    assertThat(browser.get("/interval").body()).isEqualTo("interval=600");
    assertThat(RecordingListener.LAST_CREATED_BY_INIT_PARAMS).contains("created", "added visits=1");
  }

  @Test
  void theInMemoryStoreIsTheDefaultOfAnUnconfiguredFilter() throws Exception {
    container = newContainer();
    Browser browser = new Browser(container.start(null, Map.of(), servlet), "SESSION");
    Browser.Reply first = browser.get("/count");
    assertThat(first.setCookie()).matches("SESSION=[A-Za-z0-9_-]{22,}; Path=/; HttpOnly; SameSite=Lax");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }

  private Browser startWithRedisBackedTokens(StoreUnavailablePolicy policy) throws Exception {
    redis = RedisServerProcess.start();
    revocations = RedisRevocationLists.connect(redis.uri(), Duration.ofSeconds(1));
    store = TokenSessionStore.builder()
        .keyRing(KeyRing.generate("k", new SecureRandom()))
        .revocationList(revocations)
        .clock(clock)
        .build();
    container = newContainer();
    SessionFilter filter = SessionFilter.builder(store).onStoreUnavailable(policy).build();
    return new Browser(container.start(filter, Map.of(), servlet), "SESSION");
  }

  @Test
  void anUnreachableStoreAnswers503WithRetryAfterAndTheApplicationIsNotInvoked() throws Exception {
    Browser browser = startWithRedisBackedTokens(StoreUnavailablePolicy.RESPOND_503);
    browser.get("/count");
    assertThat(browser.get("/count").body()).startsWith("visits=2 ");
    int invocations = servlet.invocations.get();

    redis.kill();
    clock.advance(Duration.ofSeconds(6)); // past the local revocation cache: the next load must ask Redis
    Browser.Reply reply = browser.get("/count");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.retryAfter()).isEqualTo("5");
    assertThat(reply.body()).isEqualTo("Session store unavailable; please retry shortly.\n");
    assertThat(reply.setCookies()).isEmpty();
    assertThat(servlet.invocations.get()).isEqualTo(invocations);

    redis.restart();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> browser.get("/peek").status() == 200);
    assertThat(browser.get("/count").body()).startsWith("visits=3 ");
  }

  @Test
  void aRedisStoreThatGoesDownAnswers503AndRecoversWhenItComesBack() throws Exception {
    redis = RedisServerProcess.start();
    store = Stores.redis(redis.uri(), clock);
    container = newContainer();
    Browser browser = new Browser(container.start(SessionFilter.builder(store).retryAfter(Duration.ofSeconds(3))
        .build(), Map.of(), servlet), "SESSION");
    browser.get("/count");
    int invocations = servlet.invocations.get();

    redis.kill();
    Browser.Reply reply = browser.get("/count");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.retryAfter()).isEqualTo("3");
    assertThat(servlet.invocations.get()).isEqualTo(invocations);
    // a request without a cookie needs no store until it saves: it is answered 503 at that point
    Browser fresh = new Browser(browser.port(), "SESSION");
    Browser.Reply first = fresh.get("/count");
    assertThat(first.status()).isEqualTo(503);
    assertThat(first.setCookies()).isEmpty();

    redis.restart(); // empty: there is no persistence, so the old session is gone and a new one starts
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> browser.get("/peek").status() == 200);
    assertThat(browser.get("/count").body()).startsWith("visits=1 new=true");
  }

  @Test
  void withContinueTheApplicationRunsWithoutASessionWhileTheStoreIsUnreachable() throws Exception {
    Browser browser = startWithRedisBackedTokens(StoreUnavailablePolicy.CONTINUE_WITHOUT_SESSION);
    browser.get("/count");
    String cookie = browser.cookie;
    redis.kill();
    clock.advance(Duration.ofSeconds(6));
    Browser.Reply peek = browser.get("/peek");
    assertThat(peek.status()).isEqualTo(200);
    assertThat(peek.body()).isEqualTo("none");
    assertThat(browser.cookie).isEqualTo(cookie);
  }

  // ---------------------------------------------------------------- regression tests (issue 10)

  private FaultyStore faulty;

  private Browser startFaulty() throws Exception {
    faulty = new FaultyStore(Stores.inMemory(clock));
    store = faulty;
    container = newContainer();
    return new Browser(container.start(SessionFilter.builder(faulty).build(), Map.of(), servlet), "SESSION");
  }

  @Test
  void aStoreFailureInsideChangeSessionIdThatTheApplicationWrapsAnswers503() throws Exception {
    Browser browser = startFaulty();
    browser.get("/count");
    faulty.failing = FaultyStore.Op.CHANGE_ID;
    Browser.Reply reply = browser.get("/rotate-wrapped");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.retryAfter()).isEqualTo("5");
    faulty.failing = FaultyStore.Op.DELETE;
    assertThat(browser.get("/invalidate-wrapped").status()).isEqualTo(503);
  }

  @Test
  void aSaveThatFailsAfterANonIdempotentRequestRanIsNotAnsweredWithARetryInvitation() throws Exception {
    Browser browser = startFaulty();
    browser.get("/count");
    faulty.failing = FaultyStore.Op.SAVE;
    Browser.Reply post = browser.post("/count");
    assertThat(post.status()).isEqualTo(500);
    assertThat(post.retryAfter()).isNull();
    assertThat(post.body()).isEqualTo("The request was processed, but its session could not be saved.\n");
    Browser.Reply get = browser.get("/count");
    assertThat(get.status()).isEqualTo(503);
    assertThat(get.retryAfter()).isEqualTo("5");
  }

  @Test
  void theSessionConfigOfTheWebApplicationSetsTheTimeoutAndTheCookieName() throws Exception {
    container = newContainer();
    int port = container.start(null, Map.of(), servlet, new ServletContainer.WebApp(7, "APPSESSION"));
    Browser browser = new Browser(port, "APPSESSION");
    Browser.Reply first = browser.get("/interval");
    assertThat(first.body()).isEqualTo("interval=420");
    assertThat(first.setCookie()).startsWith("APPSESSION=");
    assertThat(browser.get("/count").body()).startsWith("visits=2 new=false");
  }

  @Test
  void aTokenStoreWithARevocationListOnAStoppedRedisDeploysAndWorksOnceRedisIsUp(@TempDir Path dir) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keys = Files.writeString(dir.resolve("keys"), "web=" + Base64.getEncoder().encodeToString(key) + "\n");
    redis = RedisServerProcess.start();
    redis.kill();
    container = newContainer();
    int port = container.start(null, Map.of(
        "store", "token",
        "token.keys-file", keys.toString(),
        "token.revocation-redis-uri", redis.uri()), servlet);
    Browser browser = new Browser(port, "SESSION");
    assertThat(browser.get("/count").status()).isEqualTo(200); // a new session needs no revocation check
    assertThat(browser.get("/count").status()).isEqualTo(503);
    redis.restart();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> browser.get("/peek").status() == 200);
    assertThat(browser.get("/count").body()).startsWith("visits=2 ");
  }

  @Test
  void webXmlSendsTheMetricsToTheApplicationsRegistry(@TempDir Path dir) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keys = Files.writeString(dir.resolve("keys"), "web=" + Base64.getEncoder().encodeToString(key) + "\n");
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    container = newContainer();
    int port = container.start(null, Map.of(
        "store", "token",
        "token.keys-file", keys.toString(),
        "metrics.registry-attribute", "app.meters"), servlet,
        new ServletContainer.WebApp(null, null, Map.of("app.meters", registry)));
    Browser browser = new Browser(port, "SESSION");
    browser.cookie = "garbage";
    assertThat(browser.get("/peek").body()).isEqualTo("none");
    assertThat(registry.get("loadstone.session.token.rejected").tag("reason", "malformed").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void anApiClientKeepsItsSessionInAHeaderAndABrowserInItsCookie() throws Exception {
    container = newContainer();
    int port = container.start(SessionFilter.builder(Stores.inMemory(clock)).sessionIdHeader("X-Auth-Token").build(),
        Map.of(), servlet);
    Browser api = new Browser(port, "SESSION");
    Browser.Reply first = api.get("/count");
    assertThat(first.authTokenHeader()).isNotEmpty(); // a new session: told in both places
    assertThat(first.setCookies()).hasSize(1);
    api.cookie = null; // an API client ignores cookies
    Browser.Reply second = api.get("/count");
    assertThat(second.body()).startsWith("visits=2 new=false");
    assertThat(second.authTokenHeader()).isNull();
    assertThat(second.setCookies()).isEmpty();
    assertThat(api.get("/cookies").body()).as("the header is hidden from the application")
        .isEqualTo("header=null headers=[] cookies=");
    Browser.Reply logout = api.get("/invalidate");
    assertThat(logout.authTokenHeader()).isEmpty();
    assertThat(logout.setCookies()).isEmpty();
    assertThat(api.get("/peek").body()).isEqualTo("none");
  }
}
