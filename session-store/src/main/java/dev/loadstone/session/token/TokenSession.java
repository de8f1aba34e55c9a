package dev.loadstone.session.token;

import dev.loadstone.session.Session;
import dev.loadstone.session.SessionCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

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

  /** Current attribute names, in order. */
  private final Set<String> names = new LinkedHashSet<>();
  /** Values decoded (on first read) or set in this request. */
  private final Map<String, Object> live = new HashMap<>();
  /** Encoded bytes as loaded or last saved: unread attributes are written back as they are. */
  private Map<String, byte[]> savedBytes = new HashMap<>();
  /** Attributes handed out by getAttribute or set since the last save: the only ones that can have changed. */
  private final Set<String> handedOut = new HashSet<>();
  /** Set, removed, re-timed or re-keyed since the last save. */
  private boolean changed;
  /** Told about an attribute that no longer decodes (it is dropped). */
  private BiConsumer<String, RuntimeException> onUndecodable = (name, e) -> {};

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
    Object value = live.get(name);
    if (value == null && names.contains(name)) {
      byte[] bytes = savedBytes.get(name);
      if (bytes != null) {
        try {
          value = codec.decode(bytes); // lazily: a request pays only for what it reads
        } catch (RuntimeException e) {
          names.remove(name);
          onUndecodable.accept(name, e);
          return null;
        }
        if (value == null) {
          names.remove(name);
          return null;
        }
        live.put(name, value);
      }
    }
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
    live.put(name, value);
    names.add(name);
    handedOut.add(name);
    changed = true;
  }

  @Override
  public void removeAttribute(String name) {
    if (names.remove(name)) {
      live.remove(name);
      changed = true;
    }
  }

  @Override
  public Set<String> getAttributeNames() {
    for (String name : new ArrayList<>(names)) {
      if (!live.containsKey(name)) {
        getAttribute(name); // drops what no longer decodes
        handedOut.remove(name); // listing names hands out no value
      }
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(names));
  }

  @Override
  public void touch() {
    // Recorded in the next token; the store re-issues only when something changed or life runs low.
    lastAccessed = clock.instant();
  }

  // ---- store side

  void loadAttribute(String name, byte[] bytes) {
    names.add(name);
    savedBytes.put(name, bytes);
  }

  void onUndecodable(BiConsumer<String, RuntimeException> listener) {
    this.onUndecodable = listener;
  }

  /** Current attributes as bytes: unread ones as saved, the others encoded now. */
  Map<String, byte[]> encodeAttributes() {
    Map<String, byte[]> encoded = new LinkedHashMap<>();
    for (String name : names) {
      byte[] bytes = handedOut.contains(name) ? null : savedBytes.get(name);
      encoded.put(name, bytes != null ? bytes : codec.encode(live.get(name)));
    }
    return encoded;
  }

  /** True when something must be written: new, changed, or an attribute handed out was mutated in place. */
  boolean isDirty(Map<String, byte[]> encoded) {
    if (isNew || changed || encoded.size() != savedBytes.size()) {
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
