package dev.loadstone.session;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The in-memory store's principal index: name -> ids, kept in step by saves, deletes, id changes and evictions. */
final class InMemoryPrincipals {
  private final Map<String, Set<String>> ids = new ConcurrentHashMap<>();

  void reindex(String before, String after, String id, boolean isNew) {
    if (!isNew && Objects.equals(before, after)) {
      return;
    }
    unindex(before, id);
    if (after != null) {
      ids.computeIfAbsent(after, n -> ConcurrentHashMap.newKeySet()).add(id);
    }
  }

  void unindex(String principal, String id) {
    if (principal != null) {
      ids.computeIfPresent(principal, (n, set) -> {
        set.remove(id);
        return set.isEmpty() ? null : set;
      });
    }
  }

  /** A copy of the ids indexed under {@code principal}. */
  List<String> ids(String principal) {
    return List.copyOf(ids.getOrDefault(Objects.requireNonNull(principal, "principalName"), Set.of()));
  }

  void clear() {
    ids.clear();
  }
}
