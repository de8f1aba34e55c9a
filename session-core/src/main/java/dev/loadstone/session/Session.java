package dev.loadstone.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * One user's session as loaded for one request. Not thread-safe: a request owns its copy; concurrent
 * requests on the same session each load their own and the store merges their changes attribute by
 * attribute (see {@link SessionStore#save}).
 */
public interface Session {
  /** At least 128 random bits, base64url without padding. */
  String id();

  Instant creationTime();

  /** The last access as stored (sliding idle expiry counts from it). */
  Instant lastAccessedTime();

  /** Idle timeout (sliding); default 30 minutes; {@link Duration#ZERO} means no idle limit. */
  Duration idleTimeout();

  /**
   * Changes this session's idle timeout ({@link Duration#ZERO}: no idle limit, the absolute timeout still ends
   * it); saved with the next {@link SessionStore#save}.
   */
  void setIdleTimeout(Duration idleTimeout);

  /** Absolute timeout counted from creation; default 12 hours; {@link Duration#ZERO} means none. */
  Duration absoluteTimeout();

  /** True until the session has been saved once. */
  boolean isNew();

  /** The decoded attribute value, or null (also for a null name). */
  Object getAttribute(String name);

  /**
   * Sets an attribute; a null value removes it. The value must be encodable by the store's codec: one that is
   * not fails here with an {@link IllegalArgumentException} naming its class, and the old value stays.
   */
  void setAttribute(String name, Object value);

  /** Removes an attribute; a null or absent name does nothing. */
  void removeAttribute(String name);

  Set<String> getAttributeNames();

  /** Marks the session as accessed now; the store decides whether the touch is worth a write. */
  void touch();
}
