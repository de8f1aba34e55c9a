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
 * The {@link Session} every store hands out: a request's private view of a {@link SessionData} snapshot with
 * change tracking, so that a save writes only what changed.
 *
 * <p>Attributes are decoded lazily on first read; a value that no longer decodes (a class renamed by a deploy)
 * is dropped from the session, deleted by the next save, and counted in
 * {@code loadstone.session.attributes.undecodable}. {@link #changes()} reports attributes that were set or
 * removed, plus every attribute that was read and whose re-encoded bytes differ from what was loaded (so a
 * mutated list is saved without calling {@link #setAttribute} again). The last-access time is written only when
 * a configured share of the idle timeout has passed since the stored value (Spring Session and Tomcat's
 * persistent managers throttle the same way), so read-mostly traffic does not write.
 *
 * <p>Created by {@link SessionFactory}; {@link #changes()}, {@link #markSaved} and {@link #moveTo} are for
 * stores. Not thread-safe: a request owns its copy.
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
  private Map<String, byte[]> stored;
  /** Values read (decoded) or set in this request. */
  private final Map<String, Object> live = new HashMap<>();
  /** Names set in this request (encoded at save, so mutations after the set are kept too). */
  private final Set<String> set = new HashSet<>();
  /** Names removed in this request, or dropped because they no longer decode. */
  private final Set<String> removed = new HashSet<>();

  TrackedSession(SessionFactory factory, SessionData data, boolean isNew) {
    this.factory = factory;
    this.id = data.id();
    this.creationTime = data.creationTime();
    this.absoluteTimeout = data.absoluteTimeout();
    this.storedLastAccess = data.lastAccessedTime();
    this.lastAccess = data.lastAccessedTime();
    this.idleTimeout = data.idleTimeout();
    this.stored = data.attributes();
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
    SessionFactory.checkPositive("idleTimeout", idleTimeout);
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

  @Override
  public Object getAttribute(String name) {
    Objects.requireNonNull(name, "name");
    Object value = live.get(name);
    if (value != null || removed.contains(name)) {
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
      removed.add(name);
      return null;
    }
    if (value == null) {
      removed.add(name);
      return null;
    }
    live.put(name, value);
    return value;
  }

  @Override
  public void setAttribute(String name, Object value) {
    Objects.requireNonNull(name, "name");
    if (value == null) {
      removeAttribute(name);
      return;
    }
    factory.codec().encode(value); // fail fast on a value the codec cannot write
    live.put(name, value);
    set.add(name);
    removed.remove(name);
  }

  @Override
  public void removeAttribute(String name) {
    Objects.requireNonNull(name, "name");
    live.remove(name);
    set.remove(name);
    removed.add(name);
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
   * What a save must write now: set and removed attributes, read attributes whose bytes changed, and metadata
   * when the session is new, a touch is due or the idle timeout changed.
   */
  public SessionChanges changes() {
    SessionCodec codec = factory.codec();
    Map<String, byte[]> writes = new HashMap<>();
    for (Map.Entry<String, Object> e : live.entrySet()) {
      String name = e.getKey();
      byte[] encoded = codec.encode(e.getValue());
      byte[] before = stored.get(name);
      if (set.contains(name) || !Arrays.equals(encoded, before)) {
        writes.put(name, encoded);
      }
    }
    Set<String> deletes = isNew ? Set.of() : removed;
    boolean touch = touchDue();
    Map<String, byte[]> after = stored; // immutable: shared, not copied, when no attribute changed
    if (!writes.isEmpty() || !deletes.isEmpty()) {
      after = new HashMap<>(stored);
      after.keySet().removeAll(removed);
      after.putAll(writes);
    }
    SessionData data = new SessionData(id, creationTime, touch ? lastAccess : storedLastAccess, idleTimeout,
        absoluteTimeout, after);
    return new SessionChanges(id, isNew, writes, deletes, touch, idleTimeoutChanged, data);
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
    this.set.clear();
    this.removed.clear();
    this.live.keySet().retainAll(stored.keySet());
  }

  /** Called by a store when the session now lives under {@code newId} (id change, or found moved). */
  public void moveTo(String newId) {
    this.id = Objects.requireNonNull(newId, "newId");
  }

  @Override
  public String toString() {
    return "TrackedSession[id=" + id + ", new=" + isNew + "]";
  }
}
