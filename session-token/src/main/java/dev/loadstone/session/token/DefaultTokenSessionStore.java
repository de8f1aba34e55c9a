package dev.loadstone.session.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionCodec;
import dev.loadstone.session.SessionStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TokenSessionStore}; see there for the behaviour. */
final class DefaultTokenSessionStore implements TokenSessionStore {
  private static final Logger log = LoggerFactory.getLogger(DefaultTokenSessionStore.class);
  /** The attribute of the spill store's session that holds the inline payload. */
  static final String SPILL_ATTRIBUTE = "loadstone.token.payload";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final KeyRing keys;
  private final TokenFormat format;
  private final SessionCodec codec;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration idleTimeout;
  private final Duration absoluteTimeout;
  private final Duration refreshThreshold; // null: half the session's idle timeout
  private final int maxCookieBytes;
  private final int maxTokenChars;
  private final SessionStore spillStore;
  private final RevocationList revocations;
  private final Cache<String, Boolean> revokedCache;
  /** Sessions this node loaded or saved lately: bounds revocation TTLs and finds spilled data to delete. */
  private final Cache<String, Seen> seen;
  private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);
  private final Counter droppedAttributes;

  DefaultTokenSessionStore(TokenSessionStore.Builder b) {
    this.keys = b.keyRing;
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.random = b.random != null ? b.random : new SecureRandom();
    this.format = new TokenFormat(b.encrypt != null && b.encrypt, random);
    this.codec = b.codec != null ? b.codec : JsonSessionCodec.builder().build();
    this.idleTimeout = b.idleTimeout != null ? b.idleTimeout : Duration.ofMinutes(30);
    this.absoluteTimeout = b.absoluteTimeout != null ? b.absoluteTimeout : Duration.ofHours(12);
    this.refreshThreshold = b.refreshThreshold;
    this.maxCookieBytes = b.maxCookieBytes != null ? b.maxCookieBytes : DEFAULT_MAX_COOKIE_BYTES;
    this.maxTokenChars = Math.max(2 * maxCookieBytes, 8_192);
    this.spillStore = b.spillStore;
    this.revocations = b.revocationList;
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    Duration cacheTtl = b.revocationCacheTtl != null ? b.revocationCacheTtl : Duration.ofSeconds(5);
    this.revokedCache =
        Caffeine.newBuilder().ticker(ticker).expireAfterWrite(cacheTtl).maximumSize(100_000).build();
    this.seen =
        Caffeine.newBuilder().ticker(ticker).expireAfterWrite(Duration.ofMinutes(5)).maximumSize(10_000).build();
    MeterRegistry registry = b.meterRegistry != null ? b.meterRegistry : Metrics.globalRegistry;
    for (Rejection r : Rejection.values()) {
      rejected.put(r, Counter.builder("loadstone.session.token.rejected")
          .description("Presented session tokens that gave no session, by reason")
          .tag("reason", r.tag())
          .register(registry));
    }
    this.droppedAttributes = Counter.builder("loadstone.session.token.attributes.dropped")
        .description("Session attributes dropped because their value no longer decodes")
        .register(registry);
  }

  @Override
  public KeyRing keyRing() {
    return keys;
  }

  // ---- create

  @Override
  public CompletionStage<Session> create() {
    Instant now = clock.instant();
    return CompletableFuture.completedFuture(
        new TokenSession(clock, codec, newId(), now, now, idleTimeout, absoluteTimeout, true));
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  // ---- load

  @Override
  public CompletionStage<Optional<Session>> load(String handle) {
    if (handle == null || handle.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (handle.length() > maxTokenChars) {
      return reject(Rejection.TOO_LONG, handle);
    }
    TokenFormat.Opened opened = format.open(handle, keys);
    if (opened.rejection != null) {
      return reject(opened.rejection, handle);
    }
    TokenPayload payload;
    try {
      payload = TokenPayload.decode(opened.payload);
    } catch (RuntimeException e) {
      return reject(Rejection.BAD_PAYLOAD, handle);
    }
    Instant now = clock.instant();
    if (!now.isBefore(payload.expiresAt)) {
      return reject(Rejection.EXPIRED, handle);
    }
    return checkRevoked(payload.id).thenCompose(revoked -> {
      if (revoked) {
        return reject(Rejection.REVOKED, handle);
      }
      if (payload.kind == TokenPayload.INLINE) {
        return CompletableFuture.completedFuture(Optional.of(toSession(payload, handle, null)));
      }
      return spillStore == null
          ? reject(Rejection.SPILL_MISSING, handle)
          : loadSpilled(payload, handle);
    });
  }

  private CompletionStage<Optional<Session>> loadSpilled(TokenPayload reference, String handle) {
    return spillStore.load(reference.spillHandle).thenCompose(spilled -> {
      Object data = spilled.map(s -> s.getAttribute(SPILL_ATTRIBUTE)).orElse(null);
      if (!(data instanceof String text)) {
        return reject(Rejection.SPILL_MISSING, handle);
      }
      TokenPayload inline;
      try {
        inline = TokenPayload.decode(Base64.getUrlDecoder().decode(text));
      } catch (RuntimeException e) {
        return reject(Rejection.BAD_PAYLOAD, handle);
      }
      if (!inline.id.equals(reference.id)) {
        return reject(Rejection.SPILL_MISSING, handle);
      }
      TokenSession session = toSession(inline, handle, spilled.get());
      session.markLoaded(handle, reference.expiresAt);
      return CompletableFuture.completedFuture(Optional.of(session));
    });
  }

  private TokenSession toSession(TokenPayload payload, String handle, Session spilled) {
    TokenSession session = new TokenSession(clock, codec, payload.id, payload.created, payload.lastAccessed,
        payload.idleTimeout, payload.absoluteTimeout, false);
    for (Map.Entry<String, byte[]> e : payload.attributes.entrySet()) {
      session.loadAttribute(e.getKey(), e.getValue()); // decoded on first read
    }
    session.onUndecodable((name, ex) -> {
      droppedAttributes.increment();
      log.debug("session {}...: attribute '{}' no longer decodes and is dropped: {}", prefix(payload.id), name,
          ex.toString());
    });
    session.markLoaded(handle, payload.expiresAt);
    session.spilled(spilled);
    remember(session);
    return session;
  }

  private CompletionStage<Boolean> checkRevoked(String id) {
    if (revocations == null) {
      return CompletableFuture.completedFuture(false);
    }
    Boolean cached = revokedCache.getIfPresent(id);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    return revocations.isRevoked(id).thenApply(revoked -> {
      revokedCache.put(id, revoked);
      return revoked;
    });
  }

  private <T> CompletionStage<Optional<T>> reject(Rejection reason, String handle) {
    rejected.get(reason).increment();
    if (log.isDebugEnabled()) {
      log.debug("session token rejected ({}): {} chars, starts '{}'", reason.tag(), handle.length(),
          handle.substring(0, Math.min(12, handle.length())));
    }
    return CompletableFuture.completedFuture(Optional.empty());
  }

  // ---- save

  @Override
  public CompletionStage<String> save(Session session) {
    TokenSession s = own(session);
    Instant now = clock.instant();
    Map<String, byte[]> encoded = s.encodeAttributes();
    if (!s.isDirty(encoded) && s.token() != null) {
      Duration left = Duration.between(now, s.tokenExpiry());
      if (left.compareTo(threshold(s)) > 0) {
        return CompletableFuture.completedFuture(s.token());
      }
    }
    Instant expiry = expiry(s, now);
    byte[] inline = new TokenPayload(TokenPayload.INLINE, s.id(), s.creationTime(), s.lastAccessedTime(), now,
        expiry, s.idleTimeout(), s.absoluteTimeout(), encoded, null).encode();
    String token = format.seal(inline, keys.newest());
    if (token.length() <= maxCookieBytes) {
      Session formerSpill = s.spilled();
      s.spilled(null);
      s.markSaved(token, expiry, encoded);
      remember(s);
      if (formerSpill != null) {
        // Small enough again: the cookie holds it all; drop the spilled copy (it would expire anyway).
        return spillStore.delete(formerSpill.id()).handle((ok, error) -> token);
      }
      return CompletableFuture.completedFuture(token);
    }
    if (spillStore == null) {
      CompletableFuture<String> failed = new CompletableFuture<>();
      failed.completeExceptionally(new SessionTooLargeException(prefix(s.id()), token.length(), maxCookieBytes));
      return failed;
    }
    CompletionStage<Session> target = s.spilled() != null
        ? CompletableFuture.completedFuture(s.spilled())
        : spillStore.create();
    return target.thenCompose(spill -> {
      spill.setIdleTimeout(Duration.between(now, expiry).plusMinutes(1));
      spill.setAttribute(SPILL_ATTRIBUTE, B64.encodeToString(inline));
      return spillStore.save(spill).thenApply(spillHandle -> {
        byte[] reference = new TokenPayload(TokenPayload.REFERENCE, s.id(), s.creationTime(), s.lastAccessedTime(),
            now, expiry, s.idleTimeout(), s.absoluteTimeout(), null, spillHandle).encode();
        String referenceToken = format.seal(reference, keys.newest());
        s.spilled(spill);
        s.markSaved(referenceToken, expiry, encoded);
        remember(s);
        return referenceToken;
      });
    });
  }

  private Duration threshold(TokenSession s) {
    if (refreshThreshold != null) {
      return refreshThreshold;
    }
    Duration life = s.idleTimeout().isZero() ? s.absoluteTimeout() : s.idleTimeout();
    return life.dividedBy(2);
  }

  /** Idle expiry from now, capped by the absolute timeout from creation. */
  private static Instant expiry(Session s, Instant now) {
    Instant absolute = s.creationTime().plus(s.absoluteTimeout());
    if (s.idleTimeout().isZero()) {
      return absolute;
    }
    Instant idle = now.plus(s.idleTimeout());
    return idle.isBefore(absolute) ? idle : absolute;
  }

  // ---- delete, changeId

  @Override
  public CompletionStage<Void> delete(String id) {
    Seen known = seen.getIfPresent(id);
    seen.invalidate(id);
    CompletionStage<Void> revoked = revoke(id, known);
    if (known != null && known.spillId != null && spillStore != null) {
      String spillId = known.spillId;
      return revoked.thenCompose(ok -> spillStore.delete(spillId));
    }
    return revoked;
  }

  @Override
  public CompletionStage<Session> changeId(Session session) {
    TokenSession s = own(session);
    String oldId = s.id();
    Seen known = seen.getIfPresent(oldId);
    seen.invalidate(oldId);
    s.changeId(newId());
    remember(s);
    // Tokens of the old id could be a fixation attacker's copy: void them where a revocation list exists.
    return revoke(oldId, known).thenApply(ok -> s);
  }

  private CompletionStage<Void> revoke(String id, Seen known) {
    if (revocations == null) {
      return CompletableFuture.completedFuture(null);
    }
    Instant now = clock.instant();
    Duration ttl = known != null ? Duration.between(now, known.lastPossibleExpiry(now)) : absoluteTimeout;
    if (ttl.isNegative() || ttl.isZero()) {
      return CompletableFuture.completedFuture(null);
    }
    revokedCache.put(id, Boolean.TRUE);
    return revocations.revoke(id, ttl);
  }

  private void remember(TokenSession s) {
    if (revocations == null && spillStore == null) {
      return; // nothing to bound or clean up later: skip the cache write on the hot path
    }
    seen.put(s.id(), new Seen(s.creationTime(), s.idleTimeout(), s.absoluteTimeout(),
        s.spilled() != null ? s.spilled().id() : null));
  }

  private static TokenSession own(Session session) {
    if (session instanceof TokenSession s) {
      return s;
    }
    throw new IllegalArgumentException("session " + (session == null ? null : session.getClass().getName())
        + " (expected: a session created or loaded by this TokenSessionStore)");
  }

  static String prefix(String id) {
    return id.substring(0, Math.min(8, id.length()));
  }

  @Override
  public String toString() {
    return "TokenSessionStore[" + (format.encrypts() ? "AES-256-GCM" : "HMAC-SHA256") + ", " + keys + "]";
  }

  /** What bounds the life of any token of a session this node has seen. */
  private static final class Seen {
    final Instant created;
    final Duration idle;
    final Duration absolute;
    final String spillId;

    Seen(Instant created, Duration idle, Duration absolute, String spillId) {
      this.created = created;
      this.idle = idle;
      this.absolute = absolute;
      this.spillId = spillId;
    }

    /** Every token issued up to now expires by this time. */
    Instant lastPossibleExpiry(Instant now) {
      Instant absoluteEnd = created.plus(absolute);
      if (idle.isZero()) {
        return absoluteEnd;
      }
      Instant idleEnd = now.plus(idle);
      return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
    }
  }
}
