package dev.loadstone.session.redis;

import dev.loadstone.session.IndexedSessionStore;

/**
 * Sessions in Redis through Lettuce (standalone, Sentinel, Cluster): one hash per session under {@code
 * <prefix>s:{<id>}} (the id is the hash tag, so a session's key has one Cluster slot), kept by Redis TTL for the
 * remaining idle/absolute time by Redis's own clock, plus a retention period for the expiry sweep.
 *
 * <p>Round trips: a load is one {@code HGETALL}; a save is one {@code EVALSHA} of a script that writes only the
 * changed fields, the deletions, the metadata, the TTL, the expiry index and the principal index atomically (the
 * layout of Spring Session's Redis repository, with the delta write made atomic and resurrection-proof); a request
 * that changes nothing and has no touch due writes nothing, so it costs exactly the one load. An id change writes
 * the new key and turns the old one into a tombstone that loads nothing (see {@link IdChange}).
 *
 * <p>Events: expired sessions are reported once across all nodes by a sweep of the expiry index (see {@link
 * ExpirySweeper}); {@link #findByPrincipal} and {@link #invalidateAll} use the principal index (see {@link
 * Principals}).
 *
 * <p>Failures: every command has a timeout (default 500 ms), commands are rejected at once while disconnected, a
 * failed connect is retried with back-off rather than by every request, and nothing is replayed after a
 * reconnect; all of these fail the stage with {@link dev.loadstone.session.SessionStoreUnavailableException}.
 * Lettuce reconnects by itself and Cluster topology is refreshed periodically and on redirects, so the store
 * recovers without a restart.
 */
public interface RedisSessionStore extends IndexedSessionStore {

  static RedisSessionStoreBuilder builder() {
    return new RedisSessionStoreBuilder();
  }

  /** True when the near-cache currently trusts server-assisted invalidation (RESP3 {@code CLIENT TRACKING}). */
  boolean nearCacheTracking();

  /** The key of a session's hash (for tools and tests that look at Redis directly). */
  String keyOf(String sessionId);

  /** How the near-cache learns that another node changed a session. */
  enum NearCacheValidation {
    /**
     * Redis server-assisted client-side caching (RESP3 {@code CLIENT TRACKING}): a hit costs no round trip; another
     * node's change reaches this node as an invalidation push (asynchronously, typically well under a
     * millisecond). Standalone and Sentinel only; while the push channel is down, hits fall back to the version check.
     */
    TRACKING,
    /** Every hit checks the session's version field in the same round trip that would fetch it if changed. */
    VERSION_CHECK
  }
}
