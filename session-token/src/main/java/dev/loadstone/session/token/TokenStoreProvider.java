package dev.loadstone.session.token;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.spi.SessionStoreProvider;
import dev.loadstone.session.spi.StoreSettings;
import java.nio.file.Path;

/**
 * {@code store=token}: {@code token.keys-file} or {@code token.keys-env} (default {@code LOADSTONE_SESSION_KEYS}),
 * {@code token.encrypt}, {@code token.max-cookie-bytes}, {@code token.refresh-threshold},
 * {@code token.revocation-redis-uri} (a revocation list, from session-redis), {@code token.revocation-cache-ttl},
 * {@code token.spill-redis-uri} (a Redis store for sessions too large for a cookie, from session-redis).
 */
public final class TokenStoreProvider implements SessionStoreProvider {
  static final String DEFAULT_KEYS_ENV = "LOADSTONE_SESSION_KEYS";

  @Override
  public String name() {
    return "token";
  }

  @Override
  public SessionStore create(StoreSettings settings) {
    TokenSessionStore.Builder token = TokenSessionStore.builder()
        .keyRing(keyRing(settings))
        .sessions(settings.sessions());
    settings.optionalBoolean("token.encrypt").ifPresent(token::encrypt);
    settings.optionalLong("token.max-cookie-bytes").ifPresent(n -> token.maxCookieBytes(Math.toIntExact(n)));
    settings.optionalDuration("token.refresh-threshold").ifPresent(token::refreshThreshold);
    settings.optionalDuration("token.revocation-cache-ttl").ifPresent(token::revocationCacheTtl);
    settings.optional("token.revocation-redis-uri")
        .ifPresent(uri -> token.revocationList(settings.revocationList("token.revocation-redis-uri", uri)));
    settings.optional("token.spill-redis-uri").ifPresent(uri -> token.spillTo(
        settings.with(name -> name.equals("redis.uri") ? uri : null)
            .createStore("redis")));
    return token.build();
  }

  private static KeyRing keyRing(StoreSettings settings) {
    String file = settings.get("token.keys-file");
    if (file != null) {
      return KeyRing.fromFile(Path.of(file));
    }
    String env = settings.get("token.keys-env");
    return KeyRing.fromEnvironment(env != null ? env : DEFAULT_KEYS_ENV);
  }
}
