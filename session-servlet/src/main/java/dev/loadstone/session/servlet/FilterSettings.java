package dev.loadstone.session.servlet;

import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.token.KeyRing;
import dev.loadstone.session.token.RevocationList;
import dev.loadstone.session.token.TokenSessionStore;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The filter's settings, and their {@code web.xml} form. Init parameters (all optional):
 *
 * <table>
 * <caption>SessionFilter init parameters</caption>
 * <tr><td>{@code store}</td><td>{@code memory} (default), {@code token}, {@code redis}, or the class name of a
 *     {@link SessionStoreProvider}</td></tr>
 * <tr><td>{@code idle-timeout}, {@code absolute-timeout}</td><td>ISO-8601 ({@code PT30M}) or seconds;
 *     defaults 30 min, 12 h</td></tr>
 * <tr><td>{@code token.keys-file} / {@code token.keys-env}</td><td>key ring file, or environment variable
 *     (default {@code LOADSTONE_SESSION_KEYS}); see {@link KeyRing}</td></tr>
 * <tr><td>{@code token.encrypt}</td><td>{@code true} for AES-256-GCM; default false (HMAC-SHA256)</td></tr>
 * <tr><td>{@code token.max-cookie-bytes}</td><td>default 3800</td></tr>
 * <tr><td>{@code token.revocation-redis-uri}</td><td>a Redis for the revocation list; default none</td></tr>
 * <tr><td>{@code token.spill-redis-uri}</td><td>a Redis for sessions too large for a cookie; default none
 *     (such a save fails with SessionTooLargeException)</td></tr>
 * <tr><td>{@code redis.uri} or {@code redis.cluster-seeds}</td><td>for {@code store=redis}; with
 *     {@code redis.command-timeout}, {@code redis.near-cache} (entries)</td></tr>
 * <tr><td>{@code cookie.name}, {@code cookie.path}, {@code cookie.domain}</td><td>default {@code SESSION},
 *     the context path, none</td></tr>
 * <tr><td>{@code cookie.secure}</td><td>{@code auto} (default: when the request is secure), true, false</td></tr>
 * <tr><td>{@code cookie.http-only}, {@code cookie.same-site}, {@code cookie.max-age}</td><td>default true,
 *     Lax, none</td></tr>
 * <tr><td>{@code on-store-unavailable}</td><td>{@code 503} (default) or {@code continue}</td></tr>
 * <tr><td>{@code retry-after}</td><td>default 5 s</td></tr>
 * <tr><td>{@code listeners}</td><td>comma-separated class names of session listeners</td></tr>
 * </table>
 */
final class FilterSettings {
  static final String DEFAULT_KEYS_ENV = "LOADSTONE_SESSION_KEYS";

  final SessionCookie cookie;
  final StoreUnavailablePolicy unavailablePolicy;
  final Duration retryAfter;
  final List<HttpSessionListener> sessionListeners = new ArrayList<>();
  final List<HttpSessionAttributeListener> attributeListeners = new ArrayList<>();
  final List<HttpSessionIdListener> idListeners = new ArrayList<>();

  FilterSettings(SessionCookie cookie, StoreUnavailablePolicy unavailablePolicy, Duration retryAfter,
      List<EventListener> listeners) {
    this.cookie = cookie;
    this.unavailablePolicy = unavailablePolicy;
    this.retryAfter = retryAfter;
    for (EventListener l : listeners) {
      if (l instanceof HttpSessionListener s) {
        sessionListeners.add(s);
      }
      if (l instanceof HttpSessionAttributeListener a) {
        attributeListeners.add(a);
      }
      if (l instanceof HttpSessionIdListener i) {
        idListeners.add(i);
      }
    }
  }

  static void checkListener(EventListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!(listener instanceof HttpSessionListener) && !(listener instanceof HttpSessionAttributeListener)
        && !(listener instanceof HttpSessionIdListener)) {
      throw new IllegalArgumentException("listener: " + listener.getClass().getName()
          + " (expected: an HttpSessionListener, HttpSessionAttributeListener or HttpSessionIdListener)");
    }
  }

  static final class Parsed {
    final FilterSettings settings;
    final SessionStore store;
    /** The store and what it uses (revocation list, spill store), closed with the filter, last first. */
    final List<AutoCloseable> owned;

    Parsed(FilterSettings settings, SessionStore store, List<AutoCloseable> owned) {
      this.settings = settings;
      this.store = store;
      this.owned = owned;
    }

    void close() {
      for (int i = owned.size() - 1; i >= 0; i--) {
        try {
          owned.get(i).close();
        } catch (Exception e) {
          // closing on a failed start or on destroy: nothing more to do
        }
      }
    }
  }

  /** Settings and a new store from init parameters; throws with the parameter name and value on bad input. */
  static Parsed fromInitParameters(Function<String, String> params) {
    SessionFilter.Builder builder = null;
    List<AutoCloseable> owned = new ArrayList<>();
    SessionStore store;
    try {
      store = createStore(params, owned);
    } catch (RuntimeException e) {
      new Parsed(null, null, owned).close();
      throw e;
    }
    owned.add(store);
    try {
      builder = SessionFilter.builder(store);
      String name = params.apply("cookie.name");
      if (name != null) {
        builder.cookieName(name.strip());
      }
      String path = params.apply("cookie.path");
      if (path != null) {
        builder.cookiePath(path.strip());
      }
      String domain = params.apply("cookie.domain");
      if (domain != null) {
        builder.cookieDomain(domain.strip());
      }
      String secure = params.apply("cookie.secure");
      if (secure != null && !secure.strip().equalsIgnoreCase("auto")) {
        builder.secure(bool("cookie.secure", secure));
      }
      String httpOnly = params.apply("cookie.http-only");
      if (httpOnly != null) {
        builder.httpOnly(bool("cookie.http-only", httpOnly));
      }
      String sameSite = params.apply("cookie.same-site");
      if (sameSite != null) {
        builder.sameSite(SameSite.parse(sameSite));
      }
      String maxAge = params.apply("cookie.max-age");
      if (maxAge != null) {
        builder.cookieMaxAge(duration("cookie.max-age", maxAge));
      }
      String policy = params.apply("on-store-unavailable");
      if (policy != null) {
        switch (policy.strip().toLowerCase(Locale.ROOT)) {
          case "503" -> builder.onStoreUnavailable(StoreUnavailablePolicy.RESPOND_503);
          case "continue" -> builder.onStoreUnavailable(StoreUnavailablePolicy.CONTINUE_WITHOUT_SESSION);
          default -> throw new IllegalArgumentException(
              "on-store-unavailable: '" + policy + "' (expected: 503 or continue)");
        }
      }
      String retryAfter = params.apply("retry-after");
      if (retryAfter != null) {
        builder.retryAfter(duration("retry-after", retryAfter));
      }
      String listeners = params.apply("listeners");
      if (listeners != null) {
        for (String className : listeners.split("[,\\s]+")) {
          if (!className.isEmpty()) {
            builder.listener(instantiate("listeners", className, EventListener.class));
          }
        }
      }
      return new Parsed(builder.build().settingsForInit(), store, owned);
    } catch (RuntimeException e) {
      new Parsed(null, null, owned).close();
      throw e;
    }
  }

  private static SessionStore createStore(Function<String, String> params, List<AutoCloseable> owned) {
    String kind = Objects.requireNonNullElse(params.apply("store"), "memory").strip();
    Duration idle = optionalDuration(params, "idle-timeout");
    Duration absolute = optionalDuration(params, "absolute-timeout");
    switch (kind) {
      case "memory":
        return InMemorySessionStore.builder().sessions(RedisStores.sessions(idle, absolute)).build();
      case "token": {
        TokenSessionStore.Builder token = TokenSessionStore.builder().keyRing(keyRing(params));
        if (idle != null) {
          token.idleTimeout(idle);
        }
        if (absolute != null) {
          token.absoluteTimeout(absolute);
        }
        String encrypt = params.apply("token.encrypt");
        if (encrypt != null) {
          token.encrypt(bool("token.encrypt", encrypt));
        }
        String max = params.apply("token.max-cookie-bytes");
        if (max != null) {
          try {
            token.maxCookieBytes(Integer.parseInt(max.strip()));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("token.max-cookie-bytes: '" + max + "' (expected: an integer)", e);
          }
        }
        String revocation = params.apply("token.revocation-redis-uri");
        if (revocation != null) {
          RevocationList list = RevocationList.redis(revocation.strip(), Duration.ofSeconds(2));
          owned.add(list);
          token.revocationList(list);
        }
        String spill = params.apply("token.spill-redis-uri");
        if (spill != null) {
          SessionStore spillStore = RedisStores.spill(spill, idle, absolute);
          owned.add(spillStore);
          token.spillTo(spillStore);
        }
        return token.build();
      }
      case "redis":
        return RedisStores.fromInitParameters(params, idle, absolute);
      default:
        return instantiate("store", kind, SessionStoreProvider.class).create(params);
    }
  }

  private static KeyRing keyRing(Function<String, String> params) {
    String file = params.apply("token.keys-file");
    if (file != null) {
      return KeyRing.fromFile(Path.of(file.strip()));
    }
    String env = params.apply("token.keys-env");
    return KeyRing.fromEnvironment(env != null ? env.strip() : DEFAULT_KEYS_ENV);
  }

  private static Duration optionalDuration(Function<String, String> params, String name) {
    String value = params.apply(name);
    return value == null ? null : duration(name, value);
  }

  static Duration duration(String name, String text) {
    String t = text.strip();
    try {
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
        return Duration.ofSeconds(Long.parseLong(t));
      }
      return Duration.parse(t);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' (expected: seconds or ISO-8601 like PT30M)", e);
    }
  }

  private static boolean bool(String name, String text) {
    switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(name + ": '" + text + "' (expected: true or false)");
    }
  }

  private static <T> T instantiate(String param, String className, Class<T> type) {
    try {
      Class<?> c = Class.forName(className, true, contextLoader());
      if (!type.isAssignableFrom(c)) {
        throw new IllegalArgumentException(param + ": " + className + " (expected: a " + type.getSimpleName() + ")");
      }
      return type.cast(c.getConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(param + ": " + className
          + " (expected: memory, token, redis, or a class with a public no-argument constructor): " + e, e);
    }
  }

  private static ClassLoader contextLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : FilterSettings.class.getClassLoader();
  }
}
