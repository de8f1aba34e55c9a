package dev.loadstone.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.JavaSerializationCodec;
import dev.loadstone.session.redis.RedisSessionStore;
import dev.loadstone.session.spi.StoreSettings;
import dev.loadstone.session.token.TokenSessionStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterSettingsTest {
  static FilterSettings.Parsed parse(Map<String, String> params) {
    return FilterSettings.fromInitParameters(params::get, null);
  }

  private static SessionCookie cookie(FilterSettings settings) {
    return ((SessionIdResolvers.CookieResolver) settings.resolver).cookie();
  }

  @Test
  void noParametersMeanAnInMemoryStoreAndTheDefaultCookie() {
    FilterSettings.Parsed parsed = parse(Map.of());
    assertThat(parsed.store()).isInstanceOf(InMemorySessionStore.class);
    FilterSettings settings = parsed.filter().resolve(WebAppDefaults.NONE);
    SessionCookie c = cookie(settings);
    assertThat(c.name).isEqualTo("SESSION");
    assertThat(c.path).isNull();
    assertThat(c.secure).isNull();
    assertThat(c.httpOnly).isTrue();
    assertThat(c.sameSite).isEqualTo(SameSite.LAX);
    assertThat(c.maxAge).isNull();
    assertThat(settings.unavailablePolicy).isEqualTo(StoreUnavailablePolicy.RESPOND_503);
    assertThat(settings.retryAfter).isEqualTo(Duration.ofSeconds(5));
    parsed.storeSettings().closeOwned();
  }

  @Test
  void durationsAreSecondsOrIso8601() {
    assertThat(StoreSettings.duration("x", "90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(StoreSettings.duration("x", "PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> StoreSettings.duration("retry-after", "soon"))
        .hasMessage("retry-after: 'soon' (expected: seconds or ISO-8601 like PT30M)");
  }

  @Test
  void badValuesAreRefusedNamingTheParameterAndWhatWasExpected() {
    assertThatThrownBy(() -> parse(Map.of("cookie.same-site", "sometimes")))
        .hasMessage("sameSite: 'sometimes' (expected: Lax, Strict, None or omit)");
    assertThatThrownBy(() -> parse(Map.of("cookie.secure", "maybe")))
        .hasMessage("cookie.secure: 'maybe' (expected: true or false)");
    assertThatThrownBy(() -> parse(Map.of("cookie.name", "my session")))
        .hasMessage("cookieName: 'my session' (expected: an RFC 6265 token, e.g. SESSION)");
    assertThatThrownBy(() -> parse(Map.of("on-store-unavailable", "panic")))
        .hasMessage("on-store-unavailable: 'panic' (expected: 503 or continue)");
    assertThatThrownBy(() -> parse(Map.of("store", "com.example.Missing")))
        .hasMessage("store: com.example.Missing (expected: a class on the classpath)");
    assertThatThrownBy(() -> parse(Map.of("store", "mongo")))
        .hasMessageStartingWith("store: mongo (expected: memory, or redis or token with session-redis or session-token "
            + "on the classpath, or a SessionStoreProvider class; found [");
    assertThatThrownBy(() -> parse(Map.of("listeners", "java.lang.String")))
        .hasMessage("listeners: java.lang.String (expected: a EventListener)");
    assertThatThrownBy(() -> parse(Map.of("store", "token", "token.keys-env", "NO_SUCH_VARIABLE_HERE")))
        .hasMessage("key ring variable NO_SUCH_VARIABLE_HERE: not set (expected: id=base64key entries)");
    assertThatThrownBy(() -> parse(Map.of("store", "redis")))
        .hasMessage("store: redis needs redis.uri (expected: e.g. redis://127.0.0.1:6379) or redis.cluster-seeds");
    assertThatThrownBy(() -> parse(Map.of("codec", "java", "codec.allow", "*")))
        .hasMessageStartingWith("allowPattern: '*' (expected: a class name, pkg.* or pkg.**");
    assertThatThrownBy(() -> parse(Map.of("metrics.registry-attribute", "meters")))
        .hasMessageStartingWith("metrics.registry-attribute: 'meters' holds nothing (expected: a Micrometer MeterRegistry");
  }

  @Test
  void storesAreFoundThroughTheirServiceLoaderProviders(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path keys = java.nio.file.Files.writeString(dir.resolve("k"), "a=" + "A".repeat(43) + "\n");
    FilterSettings.Parsed token = parse(Map.of("store", "token", "token.keys-file", keys.toString(),
        "token.encrypt", "true", "cookie.max-age", "PT1H", "cookie.secure", "auto"));
    assertThat(token.store()).isInstanceOf(TokenSessionStore.class);
    assertThat(((TokenSessionStore) token.store()).keyRing().ids()).containsExactly("a");
    SessionCookie c = cookie(token.filter().resolve(WebAppDefaults.NONE));
    assertThat(c.maxAge).isEqualTo(Duration.ofHours(1));
    assertThat(c.secure).isNull();
    token.storeSettings().closeOwned();

    FilterSettings.Parsed redis = parse(Map.of("store", "redis", "redis.uri", "redis://127.0.0.1:1",
        "redis.key-prefix", "app:", "codec", "java", "codec.allow", "com.example.**"));
    assertThat(redis.store()).isInstanceOf(RedisSessionStore.class);
    assertThat(((RedisSessionStore) redis.store()).keyOf("x")).isEqualTo("app:s:{x}");
    assertThat(redis.storeSettings().sessions().codec()).isInstanceOf(JavaSerializationCodec.class);
    redis.storeSettings().closeOwned(); // never connected: nothing was sent
  }

  @Test
  void theWebApplicationsSessionConfigFillsWhatTheFilterLeavesOpenButNeverWeakensIt() {
    WebAppDefaults webApp = new WebAppDefaults(Duration.ofMinutes(7), "APP", "/shop", "example.com", true,
        Duration.ofHours(2), SameSite.STRICT);
    SessionCookie c = cookie(SessionFilter.builder(InMemorySessionStore.builder().build()).resolve(webApp));
    assertThat(c.name).isEqualTo("APP");
    assertThat(c.path).isEqualTo("/shop");
    assertThat(c.domain).isEqualTo("example.com");
    assertThat(c.secure).isTrue();
    assertThat(c.httpOnly).isTrue();
    assertThat(c.sameSite).isEqualTo(SameSite.STRICT);
    assertThat(c.maxAge).isEqualTo(Duration.ofHours(2));
    SessionCookie own = cookie(SessionFilter.builder(InMemorySessionStore.builder().build()).cookieName("MINE")
        .sameSite(SameSite.LAX).resolve(webApp));
    assertThat(own.name).isEqualTo("MINE");
    assertThat(own.sameSite).isEqualTo(SameSite.LAX);
  }

  @Test
  void builderOptionsMayBeSetOnlyOnce() {
    SessionFilterBuilder b = SessionFilter.builder(InMemorySessionStore.builder().build()).cookieName("A");
    assertThatThrownBy(() -> b.cookieName("B")).isInstanceOf(IllegalStateException.class)
        .hasMessage("cookieName: already set (expected: each option at most once)");
    assertThatThrownBy(() -> b.listener(new java.util.EventListener() {}))
        .hasMessageContaining("expected: an HttpSessionListener, HttpSessionAttributeListener or HttpSessionIdListener");
    assertThatThrownBy(() -> SessionFilter.builder(InMemorySessionStore.builder().build()).withoutCookie().build())
        .hasMessage("withoutCookie: no sessionIdHeader set (expected: a header then)");
  }
}
