package dev.loadstone.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link Session} every store hands out (Redis, in-memory and token alike): a request's private view of a
 * {@link SessionData} snapshot with change tracking, so that a save writes only what changed.
 *
 * <p>Attributes are decoded lazily on first read. A value that no longer decodes (a class renamed by a deploy)
 * is hidden from this request, logged and counted in {@code loadstone.session.attributes.undecodable}, and kept
 * in the store untouched, so nodes of the other deploy still read it. {@link #changes()} reports attributes
 * that were set or removed, plus every attribute that was read and whose state changed (a mutated list is saved
 * without calling {@link #setAttribute} again): bytes equal to the stored ones mean unchanged; different bytes
 * are compared once more against a fresh decode of the stored bytes, so a codec whose round trip is not
 * byte-exact never makes a read-only request write. The last-access time is written only once a configured
 * share of the idle timeout has passed since the stored value (Spring Session and Tomcat's persistent managers
 * throttle the same way), so read-mostly traffic does not write.
 *
 * <p>Created by {@link SessionFactory}; {@link #changes()}, {@link #markSaved}, {@link #moveTo} and {@link
 * #storeState} are for stores. Not thread-safe: a request owns its copy.
 */
public final class TrackedSession implements Session {
  private final SessionFactory factory;
  private String id;
  private final Instant creationTime;
  private final Duration absoluteTimeout;
  private Instant storedLastAccess;
  private Instant lastAccess;
  private Duration idleTimeout;
  private boolean idleTimeoutChanged;
  private boolean isNew;
  private long version;
  private String storedPrincipal;
  private Map<String, byte[]> stored;
  /** Values read (decoded) or set in this request. */
  private final Map<String, Object> live = new HashMap<>();
  /** Names set in this request (encoded at save, so mutations after the set are kept too). */
  private final Set<String> set = new HashSet<>();
  /** Names removed in this request. */
  private final Set<String> removed = new HashSet<>();
  /** Stored names whose bytes this node cannot decode: hidden here, left as they are in the store. */
  private final Set<String> undecodable = new HashSet<>();
  /** What the store that loaded this session keeps about it (the token store: its token). */
  private Object storeState;

  TrackedSession(SessionFactory factory, SessionData data, boolean isNew) {
    this.factory = factory;
    this.id = data.id();
    this.creationTime = data.creationTime();
    this.absoluteTimeout = data.absoluteTimeout();
    this.storedLastAccess = data.lastAccessedTime();
    this.lastAccess = data.lastAccessedTime();
    this.idleTimeout = data.idleTimeout();
    this.stored = data.attributes();
    this.version = data.version();
    this.storedPrincipal = data.principal();
    this.isNew = isNew;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Instant creationTime() {
    return creationTime;
  }

  @Override
  public Instant lastAccessedTime() {
    return storedLastAccess;
  }

  @Override
  public Duration idleTimeout() {
    return idleTimeout;
  }

  @Override
  public void setIdleTimeout(Duration idleTimeout) {
    SessionFactory.checkNotNegative("idleTimeout", idleTimeout);
    if (!idleTimeout.equals(this.idleTimeout)) {
      this.idleTimeout = idleTimeout;
      this.idleTimeoutChanged = true;
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

  /** The stored version this request loaded, or last saved (0 before the first save). */
  public long version() {
    return version;
  }

  @Override
  public Object getAttribute(String name) {
    if (name == null) {
      return null;
    }
    Object value = live.get(name);
    if (value != null || removed.contains(name) || undecodable.contains(name)) {
      return value;
    }
    byte[] bytes = stored.get(name);
    if (bytes == null) {
      return null;
    }
    try {
      value = factory.codec().decode(bytes);
    } catch (RuntimeException e) {
      factory.attributeUndecodable(id, name, e);
      undecodable.add(name);
      return null;
    }
    if (value == null) {
      undecodable.add(name);
      return null;
    }
    live.put(name, value);
    return value;
  }

  @Override
  public void setAttribute(String name, Object value) {
    if (name == null) {
      throw new IllegalArgumentException("name: null (expected: an attribute name)");
    }
    if (value == null) {
      removeAttribute(name);
      return;
    }
    factory.codec().encode(value); // fail fast on a value the codec cannot write
    live.put(name, value);
    set.add(name);
    removed.remove(name);
    undecodable.remove(name);
  }

  @Override
  public void removeAttribute(String name) {
    if (name == null) {
      return;
    }
    live.remove(name);
    set.remove(name);
    undecodable.remove(name);
    if (stored.containsKey(name)) {
      removed.add(name);
    }
  }

  @Override
  public Set<String> getAttributeNames() {
    Set<String> names = new LinkedHashSet<>();
    for (String name : stored.keySet()) {
      if (getAttribute(name) != null) {
        names.add(name);
      }
    }
    names.addAll(live.keySet());
    return Collections.unmodifiableSet(names);
  }

  @Override
  public void touch() {
    Instant now = factory.clock().instant();
    if (now.isAfter(lastAccess)) {
      lastAccess = now;
    }
  }

  /** When this session expires as this request sees it (after a due touch is saved). */
  public Instant expiresAt() {
    return SessionData.expiresAt(creationTime, touchDue() ? lastAccess : storedLastAccess, idleTimeout, absoluteTimeout);
  }

  private boolean touchDue() {
    if (isNew) {
      return true;
    }
    Duration sinceStored = Duration.between(storedLastAccess, lastAccess);
    return !sinceStored.isNegative() && !sinceStored.isZero()
        && sinceStored.compareTo(factory.touchInterval(idleTimeout)) >= 0;
  }

  /**
   * What a save must write now: set and removed attributes, read attributes whose state changed, and metadata
   * when the session is new, a touch is due, the idle timeout changed or the principal changed.
   */
  public SessionChanges changes() {
    String principal = resolvePrincipal();
    SessionCodec codec = factory.codec();
    Map<String, byte[]> writes = new HashMap<>();
    for (Map.Entry<String, Object> e : live.entrySet()) {
      String name = e.getKey();
      byte[] encoded = codec.encode(e.getValue());
      byte[] before = stored.get(name);
      if (set.contains(name) || before == null || (!Arrays.equals(encoded, before) && !sameState(before, encoded))) {
        writes.put(name, encoded);
      }
    }
    Set<String> deletes = isNew ? Set.of() : removed;
    boolean touch = touchDue();
    Map<String, byte[]> after = stored; // immutable: shared, not copied, when no attribute changed
    if (!writes.isEmpty() || !removed.isEmpty()) {
      after = new HashMap<>(stored);
      after.keySet().removeAll(removed);
      after.putAll(writes);
    }
    SessionData data = new SessionData(id, creationTime, touch ? lastAccess : storedLastAccess, idleTimeout,
        absoluteTimeout, after, version, principal);
    boolean principalChanged = !Objects.equals(principal, storedPrincipal);
    return new SessionChanges(id, isNew, writes, deletes, touch, idleTimeoutChanged, data, version, principalChanged);
  }

  /** For a codec whose round trip is not byte-exact: decoding the stored bytes again gives the same state. */
  private boolean sameState(byte[] stored, byte[] encodedNow) {
    try {
      return Arrays.equals(factory.codec().encode(factory.codec().decode(stored)), encodedNow);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private String resolvePrincipal() {
    PrincipalResolver resolver = factory.principalResolver();
    boolean relevant = isNew;
    for (String name : resolver.attributes()) {
      relevant |= set.contains(name) || removed.contains(name) || live.containsKey(name);
    }
    return relevant ? resolver.principalName(this) : storedPrincipal;
  }

  /** Called by a store once {@code saved} is what it stored: later saves in this request start from there. */
  public void markSaved(SessionData saved) {
    this.stored = saved.attributes();
    this.storedLastAccess = saved.lastAccessedTime();
    if (lastAccess.isBefore(storedLastAccess)) {
      lastAccess = storedLastAccess;
    }
    this.idleTimeout = saved.idleTimeout();
    this.idleTimeoutChanged = false;
    this.isNew = false;
    this.version = saved.version();
    this.storedPrincipal = saved.principal();
    this.set.clear();
    this.removed.clear();
    this.live.keySet().retainAll(stored.keySet());
  }

  /** Called by a store when the session now lives under {@code newId} (an id change). */
  public void moveTo(String newId) {
    this.id = Objects.requireNonNull(newId, "newId");
  }

  /** What the store keeps about this session between load and save, or null. */
  public <T> T storeState(Class<T> type) {
    return type.isInstance(storeState) ? type.cast(storeState) : null;
  }

  /** Sets what the store keeps about this session (one object per session, owned by the store). */
  public void storeState(Object state) {
    this.storeState = state;
  }

  @Override
  public String toString() {
    return "TrackedSession[id=" + SessionIds.prefix(id) + "..., new=" + isNew + "]";
  }
}
