package dev.loadstone.lb;

import java.util.Arrays;

/**
 * What a balancer may look at when it picks: a request key for consistent hashing, the sticky cookie the
 * client sent, and backends to avoid (those a retry already tried). Immutable; {@link #EMPTY} for none.
 */
public final class PickRequest {
  public static final PickRequest EMPTY = new PickRequest(null, null, new String[0]);

  private final String hashKey;
  private final String stickyCookie;
  private final String[] excluded;

  private PickRequest(String hashKey, String stickyCookie, String[] excluded) {
    this.hashKey = hashKey;
    this.stickyCookie = stickyCookie;
    this.excluded = excluded;
  }

  public static PickRequest of(String hashKey, String stickyCookie) {
    return new PickRequest(hashKey, stickyCookie, EMPTY.excluded);
  }

  /** The key consistent hashing maps to a backend (a header, cookie, client address or path), or null. */
  public String hashKey() {
    return hashKey;
  }

  /** The raw value of the sticky cookie the client sent, or null. */
  public String stickyCookie() {
    return stickyCookie;
  }

  public PickRequest withHashKey(String key) {
    return new PickRequest(key, stickyCookie, excluded);
  }

  public PickRequest withStickyCookie(String cookie) {
    return new PickRequest(hashKey, cookie, excluded);
  }

  /** This request with one more backend to avoid (a retry goes to a different backend). */
  public PickRequest excluding(String backendId) {
    if (isExcluded(backendId)) {
      return this;
    }
    String[] more = Arrays.copyOf(excluded, excluded.length + 1);
    more[excluded.length] = backendId;
    return new PickRequest(hashKey, stickyCookie, more);
  }

  public boolean hasExclusions() {
    return excluded.length != 0;
  }

  public int exclusionCount() {
    return excluded.length;
  }

  public boolean isExcluded(String backendId) {
    for (String e : excluded) {
      if (e.equals(backendId)) {
        return true;
      }
    }
    return false;
  }
}
