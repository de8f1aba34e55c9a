-- KEYS[1] an expiry index, KEYS[2] the session hash of ARGV[1] (same slot). ARGV: 1 id, 2 principal-set key
-- prefix or ''. Claims the expiry: exactly one caller, on any node, gets the hash (and the hash is deleted); a
-- session extended meanwhile is put back with its new expiry; an id already claimed or deleted gives {}.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return {} end
local m = redis.call('HMGET', KEYS[2], '#c', '#a', '#i', '#x', '#m', '#p')
if not m[1] or m[5] then return {} end
local e = expires(m[1], m[2], m[3], m[4])
if e > now then
  redis.call('ZADD', KEYS[1], e, ARGV[1])
  return {}
end
local all = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2])
if ARGV[2] ~= '' and m[6] then redis.call('SREM', ARGV[2] .. '{' .. m[6] .. '}', ARGV[1]) end
return all
