package dev.loadstone.session;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one request changed in a {@link TrackedSession}, as a store writes it: the attributes to write (set, or
 * whose state changed since load), the attributes to delete, and whether metadata must be written (a new
 * session, a due last-access touch, a changed idle timeout, a changed principal). {@link #after} is the whole
 * session as this request sees it after the save, for stores that write everything (tokens); attributes this
 * node could not decode are in it unchanged.
 *
 * <p>Stores that merge (Redis, in-memory) apply only the deltas, so two requests changing different
 * attributes both keep their change and the same attribute is last-writer-wins.
 *
 * @param loadedVersion the stored version this request loaded (0 for a new session)
 * @param principalChanged whether {@code after.principal()} differs from the principal as loaded
 */
public record SessionChanges(
    String id,
    boolean isNew,
    Map<String, byte[]> setAttributes,
    Set<String> removedAttributes,
    boolean touchDue,
    boolean idleTimeoutChanged,
    SessionData after,
    long loadedVersion,
    boolean principalChanged) {

  public SessionChanges {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(after, "after");
    setAttributes = Map.copyOf(setAttributes);
    removedAttributes = Set.copyOf(removedAttributes);
  }

  /** True when a save has nothing to write at all. */
  public boolean isEmpty() {
    return !isNew && setAttributes.isEmpty() && removedAttributes.isEmpty() && !metadataChanged();
  }

  /** True when metadata (last access, idle timeout, principal, or all of it for a new session) must be written. */
  public boolean metadataChanged() {
    return isNew || touchDue || idleTimeoutChanged || principalChanged;
  }
}
