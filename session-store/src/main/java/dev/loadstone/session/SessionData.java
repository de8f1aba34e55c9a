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
 * @param absoluteTimeout {@link Duration#ZERO} means none
 */
public record SessionData(
    String id,
    Instant creationTime,
    Instant lastAccessedTime,
    Duration idleTimeout,
    Duration absoluteTimeout,
    Map<String, byte[]> attributes) {

  public SessionData {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(creationTime, "creationTime");
    Objects.requireNonNull(lastAccessedTime, "lastAccessedTime");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
    attributes = Map.copyOf(attributes);
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
    return new SessionData(newId, creationTime, lastAccessedTime, idleTimeout, absoluteTimeout, attributes);
  }

  static Instant expiresAt(Instant created, Instant lastAccess, Duration idle, Duration absolute) {
    Instant idleEnd = lastAccess.plus(idle);
    if (absolute.isZero()) {
      return idleEnd;
    }
    Instant absoluteEnd = created.plus(absolute);
    return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
  }

  @Override
  public String toString() {
    return "SessionData[id=" + id + ", created=" + creationTime + ", lastAccess=" + lastAccessedTime
        + ", idle=" + idleTimeout + ", absolute=" + absoluteTimeout + ", attributes=" + attributes.keySet() + "]";
  }
}
