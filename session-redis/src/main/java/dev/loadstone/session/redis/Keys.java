package dev.loadstone.session.redis;

import io.lettuce.core.cluster.SlotHash;
import java.util.List;

/**
 * The Redis key layout under a prefix (default {@code loadstone:}): a session is the hash {@code <p>s:{<id>}} (the
 * id is the Cluster hash tag, so a session lives in one slot); the expiry index is a sorted set of ids by expiry,
 * one per hash slot in a Cluster ({@code <p>x:{<tag>}}, where the tag is chosen to hash to that slot, so the save
 * script updates the session and its slot's index atomically), or the single {@code <p>x} otherwise; the sessions
 * of a principal are the set {@code <p>p:{<name>}}.
 */
final class Keys {
  private final String prefix;
  private final String sessionPrefix;
  /** For a Cluster: tags[slot] hashes to slot. Null otherwise. */
  private final String[] tags;

  Keys(String prefix, boolean cluster) {
    this.prefix = prefix;
    this.sessionPrefix = prefix + "s:{";
    this.tags = cluster ? slotTags() : null;
  }

  /** A short tag for every one of the 16384 slots (base-36 counters until each slot has one: ~170k CRC16s). */
  private static String[] slotTags() {
    String[] tags = new String[SlotHash.SLOT_COUNT];
    int found = 0;
    for (int i = 0; found < tags.length; i++) {
      String tag = Integer.toString(i, 36);
      int slot = SlotHash.getSlot(tag);
      if (tags[slot] == null) {
        tags[slot] = tag;
        found++;
      }
    }
    return tags;
  }

  static void checkPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0
        || prefix.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("keyPrefix: '" + prefix + "' (expected: non-empty, no braces or spaces, "
          + "e.g. myapp:)");
    }
  }

  String prefix() {
    return prefix;
  }

  String session(String id) {
    return sessionPrefix + id + "}";
  }

  /** The id of a session key, or null for any other key (near-cache invalidation pushes). */
  String idOf(String key) {
    return key.startsWith(sessionPrefix) && key.endsWith("}")
        ? key.substring(sessionPrefix.length(), key.length() - 1) : null;
  }

  /** The prefix the session scripts prepend to {@code '{' + id + '}'} for a session key. */
  String sessionKeyPrefix() {
    return prefix + "s:";
  }

  String expiryIndex(String id) {
    return tags == null ? prefix + "x" : prefix + "x:{" + tags[SlotHash.getSlot(id)] + "}";
  }

  /** The one expiry index outside a Cluster (in a Cluster the sweep finds the slots' indexes by SCAN). */
  List<String> expiryIndexes() {
    if (tags != null) {
      throw new IllegalStateException("a Cluster has one expiry index per slot: scan for them");
    }
    return List.of(prefix + "x");
  }

  String principal(String name) {
    return principalPrefix() + "{" + name + "}";
  }

  String principalPrefix() {
    return prefix + "p:";
  }

  boolean cluster() {
    return tags != null;
  }
}
