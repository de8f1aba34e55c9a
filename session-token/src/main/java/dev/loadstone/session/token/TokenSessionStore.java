package dev.loadstone.session.token;

import dev.loadstone.session.SessionTooLargeException;

import dev.loadstone.session.RevocationList;
import dev.loadstone.session.SessionCodec;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Sessions that travel whole in the cookie: no server-side storage. The handle {@link #save} completes with is
 * the token itself ({@code v1.<keyId>.<payload>.<tag>}), HMAC-SHA256 signed or, with {@link
 * Builder#encrypt}, AES-256-GCM encrypted; it changes only when the session changed or its remaining life
 * fell below the refresh threshold, so most responses carry no Set-Cookie.
 *
 * <p>A token that is tampered, truncated, expired, signed with an unknown key, or garbage loads as no session
 * (logged at debug, counted in {@code loadstone.session.token.rejected{reason}}); load never fails for a bad
 * token. It fails with {@link dev.loadstone.session.SessionStoreUnavailableException} only when a configured
 * revocation list or spill store cannot be reached.
 *
 * <p>Sessions are the same {@link dev.loadstone.session.TrackedSession}s every store hands out (from a {@link
 * SessionFactory}); the token a session came from is the store's state attached to it.
 *
 * <p>Events: with no server-side state, an expiry can only be seen when a client presents its token after the
 * token expired: then {@code sessionExpired} is reported with the session as that token holds it, once across
 * nodes when a revocation list is configured (claimed there), else once per node. A session whose client never
 * comes back is never reported, and a stale copy of an older token may report a session whose newer token is
 * still alive (the store cannot tell them apart). Sessions cannot be listed by principal (no index).
 *
 * <pre>{@code
 * SessionStore store = TokenSessionStore.builder()
 *     .keyRing(KeyRing.fromEnvironment("SESSION_KEYS"))
 *     .idleTimeout(Duration.ofMinutes(30))
 *     .build();
 * }</pre>
 */
public interface TokenSessionStore extends SessionStore {

  /** The limit on the cookie value, chosen so name, attributes and value stay under browsers' 4 KiB. */
  int DEFAULT_MAX_COOKIE_BYTES = 3_800;

  static Builder builder() {
    return new Builder();
  }

  /** The key ring tokens are signed with. */
  KeyRing keyRing();

  /** Builds a {@link TokenSessionStore}; every option at most once. */
  final class Builder {
    KeyRing keyRing;
    SessionFactory sessions;
    Boolean encrypt;
    SessionCodec codec;
    Clock clock;
    SecureRandom random;
    Duration idleTimeout;
    Duration absoluteTimeout;
    Duration refreshThreshold;
    Integer maxCookieBytes;
    SessionStore spillStore;
    RevocationList revocationList;
    Duration revocationCacheTtl;
    MeterRegistry meterRegistry;

    Builder() {}

    /** Required: the keys (the newest signs, all verify). */
    public Builder keyRing(KeyRing keyRing) {
      once(this.keyRing, "keyRing");
      this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
      return this;
    }

    /**
     * Clock, ids, codec, timeouts, principal resolver and metrics shared with other stores (instead of {@link
     * #codec}, {@link #clock}, {@link #idleTimeout}, {@link #absoluteTimeout} and {@link #meterRegistry}). Its
     * absolute timeout must not be zero: tokens always expire.
     */
    public Builder sessions(SessionFactory sessions) {
      once(this.sessions, "sessions");
      this.sessions = Objects.requireNonNull(sessions, "sessions");
      return this;
    }

    /** AES-256-GCM instead of HMAC-SHA256 signing, so clients cannot read their session; default false. */
    public Builder encrypt(boolean encrypt) {
      once(this.encrypt, "encrypt");
      this.encrypt = encrypt;
      return this;
    }

    /** How attribute values become bytes; default {@code JsonSessionCodec.builder().build()}. */
    public Builder codec(SessionCodec codec) {
      once(this.codec, "codec");
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Source of GCM nonces (and of session ids unless {@link #sessions} is set); default a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      once(this.random, "random");
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Idle timeout of new sessions (sliding); default 30 minutes. */
    public Builder idleTimeout(Duration idleTimeout) {
      once(this.idleTimeout, "idleTimeout");
      this.idleTimeout = positive("idleTimeout", idleTimeout);
      return this;
    }

    /** Absolute timeout of new sessions, counted from creation; default 12 hours; tokens always expire. */
    public Builder absoluteTimeout(Duration absoluteTimeout) {
      once(this.absoluteTimeout, "absoluteTimeout");
      this.absoluteTimeout = positive("absoluteTimeout", absoluteTimeout);
      return this;
    }

    /**
     * An unchanged session gets a new token only when its token has less than this left; default half of the
     * session's idle timeout.
     */
    public Builder refreshThreshold(Duration refreshThreshold) {
      once(this.refreshThreshold, "refreshThreshold");
      Objects.requireNonNull(refreshThreshold, "refreshThreshold");
      if (refreshThreshold.isNegative()) {
        throw new IllegalArgumentException("refreshThreshold: " + refreshThreshold + " (expected: >= 0)");
      }
      this.refreshThreshold = refreshThreshold;
      return this;
    }

    /** Largest cookie value issued; default {@value #DEFAULT_MAX_COOKIE_BYTES}. */
    public Builder maxCookieBytes(int maxCookieBytes) {
      once(this.maxCookieBytes, "maxCookieBytes");
      if (maxCookieBytes < 256 || maxCookieBytes > 8_192) {
        throw new IllegalArgumentException("maxCookieBytes: " + maxCookieBytes + " (expected: 256..8192)");
      }
      this.maxCookieBytes = maxCookieBytes;
      return this;
    }

    /**
     * A server-side store (Redis) for sessions too large for a cookie: their data goes there and the cookie
     * carries only a signed reference. Without it, such a save fails with {@link SessionTooLargeException} and
     * the client keeps its previous token (the servlet filter answers normally and logs it).
     */
    public Builder spillTo(SessionStore spillStore) {
      once(this.spillStore, "spillTo");
      this.spillStore = Objects.requireNonNull(spillStore, "spillStore");
      return this;
    }

    /**
     * Remember invalidated sessions (session-redis: {@code RedisRevocationLists.connect(uri, timeout)}) so their
     * tokens stop verifying before they expire. Without it, delete only clears the cookie and a copied token stays
     * valid until expiry.
     */
    public Builder revocationList(RevocationList revocationList) {
      once(this.revocationList, "revocationList");
      this.revocationList = Objects.requireNonNull(revocationList, "revocationList");
      return this;
    }

    /**
     * How long a node trusts its local answer from the revocation list; default 5 seconds (another node's
     * revocation takes at most this long to be seen here; this node's own take effect at once).
     */
    public Builder revocationCacheTtl(Duration ttl) {
      once(this.revocationCacheTtl, "revocationCacheTtl");
      this.revocationCacheTtl = positive("revocationCacheTtl", ttl);
      return this;
    }

    /** Where the metrics go (instead of {@link #sessions}' registry); default {@code Metrics.globalRegistry}. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      once(this.meterRegistry, "meterRegistry");
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    public TokenSessionStore build() {
      if (keyRing == null) {
        throw new IllegalStateException("keyRing: not set (expected: TokenSessionStore.builder().keyRing(...))");
      }
      if (sessions != null && (codec != null || clock != null || idleTimeout != null || absoluteTimeout != null
          || meterRegistry != null)) {
        throw new IllegalStateException("sessions: set together with codec/clock/idleTimeout/absoluteTimeout/"
            + "meterRegistry (expected: one or the other; the factory carries them)");
      }
      if (sessions != null && sessions.absoluteTimeout().isZero()) {
        throw new IllegalStateException("sessions: absolute timeout 0 (expected: > 0, tokens always expire)");
      }
      return new DefaultTokenSessionStore(this);
    }

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + ": already set (expected: each option at most once)");
      }
    }

    private static Duration positive(String option, Duration value) {
      Objects.requireNonNull(value, option);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(option + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
