package dev.loadstone.session.token;

import dev.loadstone.session.SessionTooLargeException;

import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionChanges;
import dev.loadstone.session.SessionData;
import dev.loadstone.session.SessionEventListener;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.SessionIds;
import dev.loadstone.session.SessionStore;
import dev.loadstone.session.TrackedSession;
import dev.loadstone.session.spi.SessionEvents;
import io.micrometer.core.instrument.Counter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
  private final SessionFactory factory;
  private final Duration refreshThreshold; // null: half the session's idle timeout
  private final int maxCookieBytes;
  private final int maxTokenChars;
  private final SessionStore spillStore;
  private final Revocations revocations;
  private final SessionEvents events = new SessionEvents("token-sessions", null, null);
  private final TokenExpiries expiries;
  private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);

  DefaultTokenSessionStore(TokenSessionStore.Builder b) {
    this.keys = b.keyRing;
    SecureRandom random = b.random != null ? b.random : new SecureRandom();
    this.factory = b.sessions != null ? b.sessions : factory(b, random);
    this.format = new TokenFormat(b.encrypt != null && b.encrypt, random);
    this.refreshThreshold = b.refreshThreshold;
    this.maxCookieBytes = b.maxCookieBytes != null ? b.maxCookieBytes : DEFAULT_MAX_COOKIE_BYTES;
    this.maxTokenChars = Math.max(2 * maxCookieBytes, 8_192);
    this.spillStore = b.spillStore;
    this.revocations = new Revocations(b.revocationList, b.spillStore != null, factory.clock(),
        b.revocationCacheTtl != null ? b.revocationCacheTtl : Duration.ofSeconds(5), factory.absoluteTimeout());
    this.expiries = new TokenExpiries(factory, events, b.revocationList);
    for (Rejection r : Rejection.values()) {
      rejected.put(r, Counter.builder("loadstone.session.token.rejected")
          .description("Presented session tokens that gave no session, by reason")
          .tag("reason", r.tag())
          .register(factory.meterRegistry()));
    }
  }

  private static SessionFactory factory(TokenSessionStore.Builder b, SecureRandom random) {
    SessionFactory.Builder f = SessionFactory.builder()
        .codec(b.codec != null ? b.codec : JsonSessionCodec.builder().build())
        .ids(SessionIds.of(random, 16));
    if (b.clock != null) {
      f.clock(b.clock);
    }
    if (b.idleTimeout != null) {
      f.idleTimeout(b.idleTimeout);
    }
    if (b.absoluteTimeout != null) {
      f.absoluteTimeout(b.absoluteTimeout);
    }
    if (b.meterRegistry != null) {
      f.meterRegistry(b.meterRegistry);
    }
    return f.build();
  }

  @Override
  public KeyRing keyRing() {
    return keys;
  }

  @Override
  public CompletionStage<Session> create() {
    TrackedSession s = factory.create();
    s.storeState(new TokenState(null, null, null));
    return CompletableFuture.completedFuture(s);
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
    if (!factory.clock().instant().isBefore(payload.expiresAt)) {
      expiries.presented(payload, data(payload));
      return reject(Rejection.EXPIRED, handle);
    }
    return revocations.isRevoked(payload.id).thenCompose(revoked -> {
      if (revoked) {
        return reject(Rejection.REVOKED, handle);
      }
      if (payload.kind == TokenPayload.INLINE) {
        return CompletableFuture.completedFuture(Optional.of(open(payload, handle, payload.expiresAt, null)));
      }
      return spillStore == null ? reject(Rejection.SPILL_MISSING, handle) : loadSpilled(payload, handle);
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
      return CompletableFuture.completedFuture(Optional.of(open(inline, handle, reference.expiresAt, spilled.get())));
    });
  }

  static SessionData data(TokenPayload p) {
    return new SessionData(p.id, p.created, p.lastAccessed, p.idleTimeout, p.absoluteTimeout, p.attributes);
  }

  private Session open(TokenPayload payload, String handle, Instant tokenExpiry, Session spilled) {
    TrackedSession session = factory.open(data(payload)); // attributes decode on first read
    session.storeState(new TokenState(handle, tokenExpiry, spilled));
    revocations.remember(session, spilled != null ? spilled.id() : null);
    return session;
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
    TrackedSession s = own(session);
    TokenState state = s.storeState(TokenState.class);
    SessionChanges changes = s.changes();
    Instant now = factory.clock().instant();
    boolean changed = changes.isNew() || !changes.setAttributes().isEmpty() || !changes.removedAttributes().isEmpty()
        || changes.idleTimeoutChanged() || state.idChanged || state.token == null;
    if (!changed && Duration.between(now, state.tokenExpiry).compareTo(threshold(s)) > 0) {
      return CompletableFuture.completedFuture(state.token);
    }
    SessionData after = changes.after();
    Instant expiry = expiry(after, now);
    byte[] inline = new TokenPayload(TokenPayload.INLINE, s.id(), after.creationTime(), after.lastAccessedTime(), now,
        expiry, after.idleTimeout(), after.absoluteTimeout(), after.attributes(), null).encode();
    String token = format.seal(inline, keys.newest());
    if (token.length() <= maxCookieBytes) {
      Session formerSpill = state.spilled;
      issued(s, state, after, token, expiry, null);
      if (formerSpill != null) {
        // Small enough again: the cookie holds it all; drop the spilled copy (it would expire anyway).
        return spillStore.delete(formerSpill.id()).handle((ok, error) -> token);
      }
      return CompletableFuture.completedFuture(token);
    }
    if (spillStore == null) {
      return CompletableFuture.failedFuture(new SessionTooLargeException(SessionIds.prefix(s.id()), token.length(),
          maxCookieBytes));
    }
    CompletionStage<Session> target = state.spilled != null
        ? CompletableFuture.completedFuture(state.spilled)
        : spillStore.create();
    return target.thenCompose(spill -> {
      spill.setIdleTimeout(Duration.between(now, expiry).plusMinutes(1));
      spill.setAttribute(SPILL_ATTRIBUTE, B64.encodeToString(inline));
      return spillStore.save(spill).thenApply(spillHandle -> {
        byte[] reference = new TokenPayload(TokenPayload.REFERENCE, s.id(), after.creationTime(),
            after.lastAccessedTime(), now, expiry, after.idleTimeout(), after.absoluteTimeout(), null, spillHandle).encode();
        String referenceToken = format.seal(reference, keys.newest());
        issued(s, state, after, referenceToken, expiry, spill);
        return referenceToken;
      });
    });
  }

  private void issued(TrackedSession s, TokenState state, SessionData after, String token, Instant expiry, Session spill) {
    s.markSaved(after);
    state.token = token;
    state.tokenExpiry = expiry;
    state.spilled = spill;
    state.idChanged = false;
    revocations.remember(s, spill != null ? spill.id() : null);
  }

  private Duration threshold(Session s) {
    if (refreshThreshold != null) {
      return refreshThreshold;
    }
    Duration life = s.idleTimeout().isZero() ? s.absoluteTimeout() : s.idleTimeout();
    return life.dividedBy(2);
  }

  /** Idle expiry from now, capped by the absolute timeout from creation. */
  private static Instant expiry(SessionData s, Instant now) {
    Instant absolute = s.creationTime().plus(s.absoluteTimeout());
    if (s.idleTimeout().isZero()) {
      return absolute;
    }
    Instant idle = now.plus(s.idleTimeout());
    return idle.isBefore(absolute) ? idle : absolute;
  }

  // ---- delete, changeId, events

  @Override
  public CompletionStage<Void> delete(String id) {
    return revocations.revoke(id).thenCompose(known -> known != null && known.spillId() != null && spillStore != null
        ? spillStore.delete(known.spillId())
        : CompletableFuture.completedFuture(null));
  }

  @Override
  public CompletionStage<Session> changeId(Session session) {
    TrackedSession s = own(session);
    String oldId = s.id();
    s.moveTo(factory.ids().next());
    s.storeState(TokenState.class).idChanged = true;
    // Tokens of the old id could be a fixation attacker's copy: void them where a revocation list exists.
    return revocations.revoke(oldId).thenApply(known -> {
      revocations.remember(s, known != null ? known.spillId() : null);
      return s;
    });
  }

  @Override
  public AutoCloseable addListener(SessionEventListener listener) {
    return events.add(listener);
  }

  @Override
  public void close() {
    events.close();
  }

  private static TrackedSession own(Session session) {
    if (session instanceof TrackedSession s && s.storeState(TokenState.class) != null) {
      return s;
    }
    throw new IllegalArgumentException("session " + (session == null ? null : session.getClass().getName())
        + " (expected: a session created or loaded by this TokenSessionStore)");
  }

  @Override
  public String toString() {
    return "TokenSessionStore[" + (format.encrypts() ? "AES-256-GCM" : "HMAC-SHA256") + ", " + keys + "]";
  }
}
