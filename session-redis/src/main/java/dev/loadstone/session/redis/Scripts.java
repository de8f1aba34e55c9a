package dev.loadstone.session.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that make each write one atomic round trip on one key (so they also work in a Cluster, where a
 * script may touch only keys of one slot). Hash layout: {@code #c} creation, {@code #a} last access (epoch ms),
 * {@code #i} idle timeout, {@code #x} absolute timeout (ms, 0 = none), {@code #v} version, {@code #m} moved-to
 * id (a tombstone left by an id change), {@code a:<name>} attribute bytes.
 */
final class Scripts {
  private Scripts() {}

  /**
   * KEYS[1] session key. ARGV: now, mode (new|upd), creation, lastAccess or '', idle or '', absolute, n, then n
   * field/value pairs to set, then fields to delete. Refuses to write into a key that has no metadata (deleted or
   * expired meanwhile) or that is a tombstone, so a save never leaves a partial hash. Sets PEXPIRE to the
   * remaining idle/absolute time computed from the stored metadata.
   */
  static final Script SAVE = new Script("""
      local key = KEYS[1]
      local now = tonumber(ARGV[1])
      if ARGV[2] == 'new' then
        if redis.call('EXISTS', key) == 1 then return {'exists'} end
        redis.call('HSET', key, '#c', ARGV[3], '#x', ARGV[6])
      else
        local meta = redis.call('HMGET', key, '#c', '#m')
        if meta[2] then return {'moved', meta[2]} end
        if not meta[1] then return {'gone'} end
      end
      if ARGV[4] ~= '' then
        local current = tonumber(redis.call('HGET', key, '#a') or '0')
        if tonumber(ARGV[4]) > current then redis.call('HSET', key, '#a', ARGV[4]) end
      end
      if ARGV[5] ~= '' then redis.call('HSET', key, '#i', ARGV[5]) end
      local n = tonumber(ARGV[7])
      local i = 8
      if n > 0 then
        redis.call('HSET', key, unpack(ARGV, i, i + 2 * n - 1))
        i = i + 2 * n
      end
      if #ARGV >= i then redis.call('HDEL', key, unpack(ARGV, i, #ARGV)) end
      local version = redis.call('HINCRBY', key, '#v', 1)
      local m = redis.call('HMGET', key, '#c', '#a', '#i', '#x')
      local expiresAt = tonumber(m[2]) + tonumber(m[3])
      local absolute = tonumber(m[4])
      if absolute > 0 and tonumber(m[1]) + absolute < expiresAt then expiresAt = tonumber(m[1]) + absolute end
      local ttl = expiresAt - now
      if ttl <= 0 then
        redis.call('DEL', key)
        return {'expired'}
      end
      redis.call('PEXPIRE', key, string.format('%d', ttl))
      return {'ok', version}
      """);

  /**
   * KEYS[1] old session key. ARGV: new id, grace ms. Replaces the session by a tombstone pointing at the new id
   * (for at most the grace period, and never longer than the session had left) and returns what it held, so the
   * caller can carry over changes made since its load. Returns an empty list when the session is gone.
   */
  static final Script MOVE = new Script("""
      local key = KEYS[1]
      local moved = redis.call('HGET', key, '#m')
      if moved then return {'moved', moved} end
      local all = redis.call('HGETALL', key)
      if #all == 0 then return {'gone'} end
      local ttl = redis.call('PTTL', key)
      local grace = tonumber(ARGV[2])
      if ttl > 0 and ttl < grace then grace = ttl end
      redis.call('DEL', key)
      redis.call('HSET', key, '#m', ARGV[1])
      redis.call('PEXPIRE', key, grace)
      return {'ok', all}
      """);

  /**
   * KEYS[1] session key. ARGV[1] the version the near-cache holds. One round trip: 'same' when unchanged, else the
   * whole hash (empty when gone).
   */
  static final Script LOAD_IF_CHANGED = new Script("""
      local v = redis.call('HGET', KEYS[1], '#v')
      if v and v == ARGV[1] then return {'same'} end
      return {'full', redis.call('HGETALL', KEYS[1])}
      """);

  /**
   * KEYS[1] session key. Deletes it; when it was a tombstone, returns the id it pointed to so the caller deletes
   * that session too (an old-id logout during the grace period must not leave the moved session alive).
   */
  static final Script DELETE = new Script("""
      local moved = redis.call('HGET', KEYS[1], '#m')
      redis.call('DEL', KEYS[1])
      if moved then return {'moved', moved} end
      return {'ok'}
      """);

  record Script(String source, String sha) {
    Script(String source) {
      this(source, sha1(source));
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
