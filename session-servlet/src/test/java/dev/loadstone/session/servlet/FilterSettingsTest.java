package dev.loadstone.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.token.TokenSessionStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterSettingsTest {
  static FilterSettings.Parsed parse(Map<String, String> params) {
    return FilterSettings.fromInitParameters(params::get);
  }

  @Test
  void noParametersMeanAnInMemoryStoreAndTheDefaultCookie() {
    FilterSettings.Parsed parsed = parse(Map.of());
    assertThat(parsed.store).isInstanceOf(InMemorySessionStore.class);
    SessionCookie c = parsed.settings.cookie;
    assertThat(c.name).isEqualTo("SESSION");
    assertThat(c.path).isNull();
    assertThat(c.secure).isNull();
    assertThat(c.httpOnly).isTrue();
    assertThat(c.sameSite).isEqualTo(SameSite.LAX);
    assertThat(c.maxAge).isNull();
    assertThat(parsed.settings.unavailablePolicy).isEqualTo(StoreUnavailablePolicy.RESPOND_503);
    assertThat(parsed.settings.retryAfter).isEqualTo(Duration.ofSeconds(5));
    parsed.store.close();
  }

  @Test
  void durationsAreSecondsOrIso8601() {
    assertThat(FilterSettings.duration("x", "90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(FilterSettings.duration("x", "PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> FilterSettings.duration("retry-after", "soon"))
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
        .hasMessageStartingWith("store: com.example.Missing (expected: memory, token, redis, or a class");
    assertThatThrownBy(() -> parse(Map.of("listeners", "java.lang.String")))
        .hasMessage("listeners: java.lang.String (expected: a EventListener)");
    assertThatThrownBy(() -> parse(Map.of("store", "token", "token.keys-env", "NO_SUCH_VARIABLE_HERE")))
        .hasMessage("key ring variable NO_SUCH_VARIABLE_HERE: not set (expected: id=base64key entries)");
  }

  @Test
  void aTokenStoreIsBuiltFromAKeyFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path keys = java.nio.file.Files.writeString(dir.resolve("k"), "a=" + "A".repeat(43) + "\n");
    FilterSettings.Parsed parsed = parse(Map.of("store", "token", "token.keys-file", keys.toString(),
        "token.encrypt", "true", "cookie.max-age", "PT1H", "cookie.secure", "auto"));
    assertThat(parsed.store).isInstanceOf(TokenSessionStore.class);
    assertThat(((TokenSessionStore) parsed.store).keyRing().ids()).containsExactly("a");
    assertThat(parsed.settings.cookie.maxAge).isEqualTo(Duration.ofHours(1));
    assertThat(parsed.settings.cookie.secure).isNull();
  }

  @Test
  void builderOptionsMayBeSetOnlyOnce() {
    SessionFilter.Builder b = SessionFilter.builder(InMemorySessionStore.builder().build()).cookieName("A");
    assertThatThrownBy(() -> b.cookieName("B")).isInstanceOf(IllegalStateException.class)
        .hasMessage("cookieName: already set (expected: each option at most once)");
    assertThatThrownBy(() -> b.listener(new java.util.EventListener() {}))
        .hasMessageContaining("expected: an HttpSessionListener, HttpSessionAttributeListener or HttpSessionIdListener");
  }
}
