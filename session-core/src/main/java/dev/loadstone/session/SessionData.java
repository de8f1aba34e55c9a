package dev.loadstone.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of a stored session: metadata plus every attribute as its encoded bytes. Stores keep
 * sessions in this form (the in-memory store as is, the Redis store as one hash, the token store inside the
 * token) and open it as a {@link TrackedSession} per request with {@link SessionFactory#open}. The byte arrays
 * are never modified once inside a snapshot.
 *
 * @param idleTimeout {@link Duration#ZERO} means no idle limit (the absolute timeout still ends the session)
 * @param absoluteTimeout {@link Duration#ZERO} means none
 * @param version incremented by every write of the stored session (0 for one never stored); a save compares it
 *     to tell a request that loaded the session before an id change from one that did not
 * @param principal the principal name the session belongs to (see {@link PrincipalResolver}), or null
 */
public record SessionData(
    String id,
    Instant creationTime,
    Instant lastAccessedTime,
    Duration idleTimeout,
    Duration absoluteTimeout,
    Map<String, byte[]> attributes,
    long version,
    String principal) {

  /** How long a session with neither an idle nor an absolute limit lives after its last access: a year. */
  public static final Duration NO_LIMIT = Duration.ofDays(365);

  public SessionData {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(creationTime, "creationTime");
    Objects.requireNonNull(lastAccessedTime, "lastAccessedTime");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
    attributes = Map.copyOf(attributes);
  }

  /** A snapshot of version 0 without a principal. */
  public SessionData(String id, Instant creationTime, Instant lastAccessedTime, Duration idleTimeout,
      Duration absoluteTimeout, Map<String, byte[]> attributes) {
    this(id, creationTime, lastAccessedTime, idleTimeout, absoluteTimeout, attributes, 0, null);
  }

  /** When this session expires: the earlier of last access + idle timeout and creation + absolute timeout. */
  public Instant expiresAt() {
    return expiresAt(creationTime, lastAccessedTime, idleTimeout, absoluteTimeout);
  }

  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt());
  }

  /** The same snapshot under another id (used when a session changes its id). */
  public SessionData withId(String newId) {
    return new SessionData(newId, creationTime, lastAccessedTime, idleTimeout, absoluteTimeout, attributes, version,
        principal);
  }

  /** The same snapshot at another version. */
  public SessionData withVersion(long newVersion) {
    return new SessionData(id, creationTime, lastAccessedTime, idleTimeout, absoluteTimeout, attributes, newVersion,
        principal);
  }

  static Instant expiresAt(Instant created, Instant lastAccess, Duration idle, Duration absolute) {
    if (idle.isZero()) {
      return absolute.isZero() ? lastAccess.plus(NO_LIMIT) : created.plus(absolute);
    }
    Instant idleEnd = lastAccess.plus(idle);
    if (absolute.isZero()) {
      return idleEnd;
    }
    Instant absoluteEnd = created.plus(absolute);
    return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
  }

  /** The idle timeout that slides expiry: the configured one, or {@link #NO_LIMIT} when it is zero. */
  static Duration effectiveIdle(Duration idle) {
    return idle.isZero() ? NO_LIMIT : idle;
  }

  @Override
  public String toString() {
    return "SessionData[id=" + SessionIds.prefix(id) + "..., created=" + creationTime + ", lastAccess="
        + lastAccessedTime + ", idle=" + idleTimeout + ", absolute=" + absoluteTimeout + ", version=" + version
        + ", attributes=" + attributes.keySet() + "]";
  }
}
