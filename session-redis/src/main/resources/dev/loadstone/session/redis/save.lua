-- KEYS[1] the session hash, KEYS[2] the expiry index of its slot.
-- ARGV: 1 id, 2 mode (new|upd), 3 creation, 4 last access or '', 5 idle or '', 6 absolute, 7 the version the
-- request loaded, 8 principal ('' unchanged, '-' none, else the name), 9 retention ms (how long an expired hash
-- stays for the sweeper), 10 principal-set key prefix ('' when the caller keeps the principal index: Cluster),
-- 11 n, then n field/value pairs to set, then fields to delete.
-- Refuses to write into a key without metadata (deleted or expired meanwhile: no resurrection, never a partial
-- hash) or already expired by Redis time; a tombstone redirects only a request that loaded before the move.
local key, index = KEYS[1], KEYS[2]
if ARGV[2] == 'new' then
  if redis.call('EXISTS', key) == 1 then return {'exists'} end
  redis.call('HSET', key, '#c', ARGV[3], '#x', ARGV[6])
else
  local m = redis.call('HMGET', key, '#c', '#a', '#i', '#x', '#m', '#mv')
  if m[5] then
    if tonumber(ARGV[7]) <= tonumber(m[6] or '0') then return {'moved', m[5]} end
    return {'gone'}
  end
  if not m[1] then return {'gone'} end
  if expires(m[1], m[2], m[3], m[4]) <= now then return {'expired'} end
end
if ARGV[4] ~= '' then
  local current = tonumber(redis.call('HGET', key, '#a') or '0')
  if tonumber(ARGV[4]) > current then redis.call('HSET', key, '#a', ARGV[4]) end
end
if ARGV[5] ~= '' then redis.call('HSET', key, '#i', ARGV[5]) end
local n = tonumber(ARGV[11])
local i = 12
if n > 0 then
  redis.call('HSET', key, unpack(ARGV, i, i + 2 * n - 1))
  i = i + 2 * n
end
if #ARGV >= i then redis.call('HDEL', key, unpack(ARGV, i, #ARGV)) end
local old = redis.call('HGET', key, '#p')
local principal = old
if ARGV[8] == '-' then
  redis.call('HDEL', key, '#p')
  principal = false
elseif ARGV[8] ~= '' then
  redis.call('HSET', key, '#p', ARGV[8])
  principal = ARGV[8]
end
local version = redis.call('HINCRBY', key, '#v', 1)
local m = redis.call('HMGET', key, '#c', '#a', '#i', '#x')
local e = expires(m[1], m[2], m[3], m[4])
local retention = tonumber(ARGV[9])
local ttl = e - now
if ttl < 1 then ttl = 1 end
redis.call('PEXPIRE', key, ttl + retention)
redis.call('ZADD', index, e, ARGV[1])
redis.call('ZREMRANGEBYSCORE', index, '-inf', now - retention)
if ARGV[10] ~= '' then
  if old and old ~= principal then redis.call('SREM', ARGV[10] .. '{' .. old .. '}', ARGV[1]) end
  if principal then
    local pk = ARGV[10] .. '{' .. principal .. '}'
    redis.call('SADD', pk, ARGV[1])
    if redis.call('PTTL', pk) < ttl + retention then redis.call('PEXPIRE', pk, ttl + retention) end
  end
end
return {'ok', version, old or ''}
