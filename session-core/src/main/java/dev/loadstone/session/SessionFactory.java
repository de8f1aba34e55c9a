package dev.loadstone.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings every store shares, and the one place that creates and opens {@link TrackedSession}s: clock, id
 * source, codec, default timeouts, the touch threshold, the principal resolver and the metrics. Stores take one
 * in their builder (a default one when not given), so the Redis, in-memory and token stores behave the same.
 * Metrics go to {@link Metrics#globalRegistry} unless a registry is given: add the application's registry to it
 * ({@code Metrics.addRegistry(prometheus)}) or pass it here.
 */
public final class SessionFactory {
  private static final Logger log = LoggerFactory.getLogger(SessionFactory.class);

  /** Counter of attributes dropped because they no longer decode. */
  public static final String UNDECODABLE_METRIC = "loadstone.session.attributes.undecodable";

  private final Clock clock;
  private final SessionIds ids;
  private final SessionCodec codec;
  private final Duration idleTimeout;
  private final Duration absoluteTimeout;
  private final double touchShare;
  private final MeterRegistry meterRegistry;
  private final PrincipalResolver principalResolver;
  private final Counter undecodable;

  private SessionFactory(Builder b) {
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.ids = b.ids != null ? b.ids : SessionIds.secure();
    this.codec = b.codec != null ? b.codec : JsonSessionCodec.builder().build();
    this.idleTimeout = b.idleTimeout != null ? b.idleTimeout : Duration.ofMinutes(30);
    this.absoluteTimeout = b.absoluteTimeout != null ? b.absoluteTimeout : Duration.ofHours(12);
    this.touchShare = b.touchShare != null ? b.touchShare : 0.1;
    this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : Metrics.globalRegistry;
    this.principalResolver = b.principalResolver != null ? b.principalResolver
        : PrincipalResolver.attribute(PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE);
    this.undecodable = Counter.builder(UNDECODABLE_METRIC)
        .description("Session attributes dropped because their stored bytes no longer decode")
        .register(meterRegistry);
  }

  /**
   * Defaults: system UTC clock, 128-bit secure ids, JSON codec, idle 30 min, absolute 12 h, touch share 0.1, the
   * principal from attribute {@value PrincipalResolver#PRINCIPAL_NAME_ATTRIBUTE}, metrics to the global registry.
   */
  public static SessionFactory defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A new, unsaved session with a fresh id, created and last accessed now. */
  public TrackedSession create() {
    Instant now = clock.instant();
    return new TrackedSession(this, new SessionData(ids.next(), now, now, idleTimeout, absoluteTimeout, Map.of()), true);
  }

  /** Opens a stored snapshot for one request and marks it accessed now (a load counts as an access). */
  public TrackedSession open(SessionData data) {
    TrackedSession session = new TrackedSession(this, data, false);
    session.touch();
    return session;
  }

  /** A stored snapshot as it is, not marked accessed: what expiry and deletion events show. */
  public TrackedSession view(SessionData data) {
    return new TrackedSession(this, data, false);
  }

  public Clock clock() {
    return clock;
  }

  public SessionIds ids() {
    return ids;
  }

  public SessionCodec codec() {
    return codec;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration absoluteTimeout() {
    return absoluteTimeout;
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  public PrincipalResolver principalResolver() {
    return principalResolver;
  }

  /** How long after the stored last access a touch is worth a write, for the given idle timeout. */
  public Duration touchInterval(Duration idle) {
    return Duration.ofNanos((long) (SessionData.effectiveIdle(idle).toNanos() * touchShare));
  }

  void attributeUndecodable(String sessionId, String name, RuntimeException e) {
    undecodable.increment();
    log.warn("Session {}...: attribute '{}' does not decode on this node and is hidden from this request (kept in "
        + "the store for nodes that read it): {}", SessionIds.prefix(sessionId), name, e.getMessage());
  }

  public static void checkPositive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
    }
  }

  static void checkNotNegative(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + ": " + d + " (expected: >= 0, 0 = no idle limit)");
    }
  }

  /** Builds a {@link SessionFactory}; each option may be set once. */
  public static final class Builder {
    private Clock clock;
    private SessionIds ids;
    private SessionCodec codec;
    private Duration idleTimeout;
    private Duration absoluteTimeout;
    private Double touchShare;
    private MeterRegistry meterRegistry;
    private PrincipalResolver principalResolver;

    private Builder() {}

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder ids(SessionIds ids) {
      once(this.ids, "ids");
      this.ids = Objects.requireNonNull(ids, "ids");
      return this;
    }

    public Builder codec(SessionCodec codec) {
      once(this.codec, "codec");
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Sliding idle timeout of new sessions; default 30 minutes; {@link Duration#ZERO} = no idle limit. */
    public Builder idleTimeout(Duration idleTimeout) {
      once(this.idleTimeout, "idleTimeout");
      checkNotNegative("idleTimeout", idleTimeout);
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** Absolute timeout of new sessions from creation; default 12 hours; {@link Duration#ZERO} = none. */
    public Builder absoluteTimeout(Duration absoluteTimeout) {
      once(this.absoluteTimeout, "absoluteTimeout");
      Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
      if (absoluteTimeout.isNegative()) {
        throw new IllegalArgumentException("absoluteTimeout: " + absoluteTimeout + " (expected: >= 0, 0 = none)");
      }
      this.absoluteTimeout = absoluteTimeout;
      return this;
    }

    /**
     * Share of the idle timeout that must pass since the stored last access before a touch is written;
     * default 0.1 (a 30-minute session writes its last access at most every 3 minutes). 0 writes every touch.
     */
    public Builder touchShare(double touchShare) {
      once(this.touchShare, "touchShare");
      if (!(touchShare >= 0 && touchShare <= 0.5)) {
        throw new IllegalArgumentException("touchShare: " + touchShare + " (expected: 0..0.5)");
      }
      this.touchShare = touchShare;
      return this;
    }

    /** Where every store's metrics go; default {@link Metrics#globalRegistry}. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      once(this.meterRegistry, "meterRegistry");
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /** Who a session belongs to, for the principal index; default {@link PrincipalResolver#attribute}. */
    public Builder principalResolver(PrincipalResolver resolver) {
      once(this.principalResolver, "principalResolver");
      this.principalResolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    public SessionFactory build() {
      return new SessionFactory(this);
    }
  }
}
