package dev.loadstone.session.spi;

import dev.loadstone.session.RevocationList;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * String settings for {@link SessionStoreProvider}s, with the parsing every provider shares (durations as seconds
 * or ISO-8601, booleans, numbers, lists; a bad value fails naming the setting, the value and what was expected),
 * the {@link SessionFactory} the settings describe, and what the providers build and the caller must close.
 *
 * <p>Shared settings: {@code store} ({@code memory} default, {@code redis}, {@code token}, or a provider class),
 * {@code idle-timeout}, {@code absolute-timeout}, {@code codec} ({@code json} default, {@code java}, or the class
 * of a {@link SessionCodec} or {@code Supplier<SessionCodec>}), {@code codec.types} ({@code json}: comma-separated
 * {@code tag=class} registrations), {@code codec.allow} ({@code java}: comma-separated class names or {@code
 * pkg.*}/{@code pkg.**} patterns).
 */
public final class StoreSettings {
  private final Function<String, String> params;
  private final MeterRegistry meterRegistry;
  private final Duration defaultIdleTimeout;
  private final Clock clock;
  private final ClassLoader loader;
  /** Shared with settings derived by {@link #with}: one list, closed once. */
  private final List<AutoCloseable> owned;
  private SessionFactory sessions;

  private StoreSettings(Builder b, List<AutoCloseable> owned) {
    this.owned = owned;
    this.params = b.params;
    this.meterRegistry = b.meterRegistry;
    this.defaultIdleTimeout = b.defaultIdleTimeout;
    this.clock = b.clock;
    this.loader = b.loader != null ? b.loader : contextLoader();
  }

  /** Settings read from {@code params} (a name to its value, or null when absent). */
  public static Builder builder(Function<String, String> params) {
    return new Builder(params);
  }

  /** The value, stripped; null when absent or blank. */
  public String get(String name) {
    String v = params.apply(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  public Optional<String> optional(String name) {
    return Optional.ofNullable(get(name));
  }

  public Optional<Duration> optionalDuration(String name) {
    return optional(name).map(v -> duration(name, v));
  }

  public Optional<Long> optionalLong(String name) {
    return optional(name).map(v -> {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": '" + v + "' (expected: an integer)", e);
      }
    });
  }

  public Optional<Boolean> optionalBoolean(String name) {
    return optional(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + ": '" + v + "' (expected: true or false)");
    });
  }

  /** Comma- or space-separated values; empty when absent. */
  public List<String> list(String name) {
    String v = get(name);
    return v == null ? List.of() : Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
  }

  /** Seconds ({@code 1800}) or ISO-8601 ({@code PT30M}). */
  public static Duration duration(String name, String text) {
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

  /** The registry every store's metrics go to (null: the factory's default, the global registry). */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** The session factory these settings describe (built once): timeouts, codec, clock and metrics. */
  public synchronized SessionFactory sessions() {
    if (sessions == null) {
      SessionFactory.Builder b = SessionFactory.builder().codec(CodecSettings.codec(this));
      Optional<Duration> idle = optionalDuration("idle-timeout");
      if (idle.isPresent() || defaultIdleTimeout != null) {
        b.idleTimeout(idle.orElse(defaultIdleTimeout));
      }
      optionalDuration("absolute-timeout").ifPresent(b::absoluteTimeout);
      if (meterRegistry != null) {
        b.meterRegistry(meterRegistry);
      }
      if (clock != null) {
        b.clock(clock);
      }
      sessions = b.build();
    }
    return sessions;
  }

  /** The store {@code store} names, built by its provider; it is {@linkplain #own owned}. */
  public SessionStore createStore() {
    return createStore(Objects.requireNonNullElse(get("store"), "memory"));
  }

  /** The store of provider {@code kind} (a name, or a provider class), built from these settings; owned. */
  public SessionStore createStore(String kind) {
    for (SessionStoreProvider p : ServiceLoader.load(SessionStoreProvider.class, loader)) {
      if (p.name().equals(kind)) {
        return own(p.create(this));
      }
    }
    if (kind.indexOf('.') < 0) {
      throw new IllegalArgumentException("store: " + kind + " (expected: memory, or redis or token with session-redis "
          + "or session-token on the classpath, or a SessionStoreProvider class; found " + providerNames() + ")");
    }
    return own(instantiate("store", kind, SessionStoreProvider.class).create(this));
  }

  /** These settings with some values replaced (a spill store's own Redis URI, say); shares what is owned. */
  public StoreSettings with(Function<String, String> overrides) {
    Builder b = new Builder(name -> {
      String v = overrides.apply(name);
      return v != null ? v : params.apply(name);
    });
    b.meterRegistry = meterRegistry;
    b.defaultIdleTimeout = defaultIdleTimeout;
    b.clock = clock;
    b.loader = loader;
    StoreSettings copy = new StoreSettings(b, owned);
    copy.sessions = sessions;
    return copy;
  }

  /** A revocation list at {@code uri} from the provider that serves it (session-redis for redis://); owned. */
  public RevocationList revocationList(String setting, String uri) {
    for (RevocationListProvider p : ServiceLoader.load(RevocationListProvider.class, loader)) {
      if (p.serves(uri)) {
        return own(p.create(uri, this));
      }
    }
    throw new IllegalArgumentException(setting + ": " + uri + " (expected: a redis:// URI, with session-redis on "
        + "the classpath)");
  }

  /** Remembers {@code closeable} to be closed by {@link #closeOwned}. */
  public <T extends AutoCloseable> T own(T closeable) {
    synchronized (owned) {
      owned.add(closeable);
    }
    return closeable;
  }

  /** Closes what the providers built, last first; never throws. */
  public void closeOwned() {
    List<AutoCloseable> all;
    synchronized (owned) {
      all = new ArrayList<>(owned);
      owned.clear();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).close();
      } catch (Exception e) {
        // closing on a failed start or on shutdown: nothing more to do
      }
    }
  }

  /** A new instance of {@code className} (public, no-argument constructor) of {@code type}. */
  public <T> T instantiate(String setting, String className, Class<T> type) {
    Class<?> c = loadClass(setting, className);
    if (!type.isAssignableFrom(c)) {
      throw new IllegalArgumentException(setting + ": " + className + " (expected: a " + type.getSimpleName() + ")");
    }
    try {
      return type.cast(c.getConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(setting + ": " + className + " (expected: a public no-argument constructor): "
          + e, e);
    }
  }

  Class<?> loadClass(String setting, String className) {
    try {
      return Class.forName(className.strip(), true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(setting + ": " + className + " (expected: a class on the classpath)", e);
    }
  }

  private List<String> providerNames() {
    List<String> names = new ArrayList<>();
    ServiceLoader.load(SessionStoreProvider.class, loader).forEach(p -> names.add(p.name()));
    return names;
  }

  private static ClassLoader contextLoader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : StoreSettings.class.getClassLoader();
  }

  /** Builds {@link StoreSettings}. */
  public static final class Builder {
    private final Function<String, String> params;
    private MeterRegistry meterRegistry;
    private Duration defaultIdleTimeout;
    private Clock clock;
    private ClassLoader loader;

    private Builder(Function<String, String> params) {
      this.params = Objects.requireNonNull(params, "params");
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /** The idle timeout when {@code idle-timeout} is not set (a web application's {@code <session-timeout>}). */
    public Builder defaultIdleTimeout(Duration idle) {
      this.defaultIdleTimeout = idle;
      return this;
    }

    /** The clock of the stores' sessions (tests); default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder classLoader(ClassLoader loader) {
      this.loader = loader;
      return this;
    }

    public StoreSettings build() {
      return new StoreSettings(this, new ArrayList<>());
    }
  }
}
