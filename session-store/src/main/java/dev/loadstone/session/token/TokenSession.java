package dev.loadstone.session.token;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A session carried in a token. Remembers the token it came from and what changed since, so the store can
 * hand back the same token (no Set-Cookie) when nothing changed and the token is far from expiry.
 */
final class TokenSession implements Session {
  private final Clock clock;
  private final SessionCodec codec;
  private String id;
  private final Instant created;
  private Instant lastAccessed;
  private Duration idleTimeout;
  private final Duration absoluteTimeout;
  private boolean isNew;

  /** Decoded values. */
  private final Map<String, Object> attributes = new LinkedHashMap<>();
  /** Encoded bytes as loaded or last saved, to find values mutated in place. */
  private Map<String, byte[]> savedBytes = new HashMap<>();
  /** Attributes handed out by getAttribute since the last save: the only ones that can have been mutated. */
  private final Set<String> handedOut = new HashSet<>();
  /** Set, removed, re-timed or re-keyed since the last save. */
  private boolean changed;

  /** The token this session was loaded from or last saved as; null before the first save. */
  private String token;
  /** When {@link #token} expires. */
  private Instant tokenExpiry;
  /** The spill store's session holding this session's data, when the data did not fit in a cookie. */
  private Session spilled;

  TokenSession(Clock clock, SessionCodec codec, String id, Instant created, Instant lastAccessed, Duration idleTimeout, Duration absoluteTimeout,
      boolean isNew) {
    this.clock = clock;
    this.codec = codec;
    this.id = id;
    this.created = created;
    this.lastAccessed = lastAccessed;
    this.idleTimeout = idleTimeout;
    this.absoluteTimeout = absoluteTimeout;
    this.isNew = isNew;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Instant creationTime() {
    return created;
  }

  @Override
  public Instant lastAccessedTime() {
    return lastAccessed;
  }

  @Override
  public Duration idleTimeout() {
    return idleTimeout;
  }

  @Override
  public void setIdleTimeout(Duration idleTimeout) {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: >= 0, 0 = no idle limit)");
    }
    if (!idleTimeout.equals(this.idleTimeout)) {
      this.idleTimeout = idleTimeout;
      changed = true;
    }
  }

  @Override
  public Duration absoluteTimeout() {
    return absoluteTimeout;
  }

  @Override
  public boolean isNew() {
    return isNew;
  }

  @Override
  public Object getAttribute(String name) {
    Object value = attributes.get(name);
    if (value != null) {
      handedOut.add(name);
    }
    return value;
  }

  @Override
  public void setAttribute(String name, Object value) {
    Objects.requireNonNull(name, "name");
    if (value == null) {
      removeAttribute(name);
      return;
    }
    codec.encode(value); // fail fast on a value the codec cannot write (encoded again at save: it may change)
    attributes.put(name, value);
    handedOut.add(name);
    changed = true;
  }

  @Override
  public void removeAttribute(String name) {
    if (attributes.remove(name) != null) {
      changed = true;
    }
  }

  @Override
  public Set<String> getAttributeNames() {
    return Collections.unmodifiableSet(new HashSet<>(attributes.keySet()));
  }

  @Override
  public void touch() {
    // Recorded in the next token; the store re-issues only when something changed or life runs low.
    lastAccessed = clock.instant();
  }

  // ---- store side

  void loadAttribute(String name, Object value, byte[] bytes) {
    attributes.put(name, value);
    savedBytes.put(name, bytes);
  }

  Map<String, Object> attributes() {
    return attributes;
  }

  /** True when something must be written: new, changed, or an attribute handed out was mutated in place. */
  boolean isDirty(Map<String, byte[]> encoded) {
    if (isNew || changed) {
      return true;
    }
    for (String name : handedOut) {
      byte[] before = savedBytes.get(name);
      byte[] now = encoded.get(name);
      if (before == null || now == null || !Arrays.equals(before, now)) {
        return true;
      }
    }
    return false;
  }

  Set<String> handedOut() {
    return handedOut;
  }

  Map<String, byte[]> savedBytes() {
    return savedBytes;
  }

  void markSaved(String token, Instant expiry, Map<String, byte[]> encoded) {
    this.token = token;
    this.tokenExpiry = expiry;
    this.savedBytes = encoded;
    this.handedOut.clear();
    this.changed = false;
    this.isNew = false;
  }

  void markLoaded(String token, Instant expiry) {
    this.token = token;
    this.tokenExpiry = expiry;
  }

  void changeId(String newId) {
    this.id = newId;
    this.changed = true;
  }

  String token() {
    return token;
  }

  Instant tokenExpiry() {
    return tokenExpiry;
  }

  Session spilled() {
    return spilled;
  }

  void spilled(Session spilled) {
    this.spilled = spilled;
  }
}
