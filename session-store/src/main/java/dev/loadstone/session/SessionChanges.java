package dev.loadstone.session;

import java.util.Map;
import java.util.Set;

/**
 * What one request changed in a {@link TrackedSession}, as a store writes it: the attributes to write (set, or
 * whose encoded bytes changed since load), the attributes to delete, and whether metadata must be written
 * (a new session, a due last-access touch, a changed idle timeout). {@link #after} is the whole session as
 * this request sees it after the save, for stores that write everything (tokens).
 *
 * <p>Stores that merge (Redis, in-memory) apply only the deltas, so two requests changing different
 * attributes both keep their change and the same attribute is last-writer-wins.
 */
public record SessionChanges(
    String id,
    boolean isNew,
    Map<String, byte[]> setAttributes,
    Set<String> removedAttributes,
    boolean touchDue,
    boolean idleTimeoutChanged,
    SessionData after) {

  public SessionChanges {
    setAttributes = Map.copyOf(setAttributes);
    removedAttributes = Set.copyOf(removedAttributes);
  }

  /** True when a save has nothing to write at all. */
  public boolean isEmpty() {
    return !isNew && setAttributes.isEmpty() && removedAttributes.isEmpty() && !touchDue && !idleTimeoutChanged;
  }

  /** True when metadata (last access, idle timeout, or all of it for a new session) must be written. */
  public boolean metadataChanged() {
    return isNew || touchDue || idleTimeoutChanged;
  }
}
