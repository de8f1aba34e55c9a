-- KEYS[1] the old session hash, KEYS[2] its expiry index. ARGV: 1 old id, 2 new id, 3 grace ms, 4 principal-set
-- key prefix or ''. Replaces the session by a tombstone naming the new id and the version it was moved at (a
-- request that loaded at most that version may still save into the moved session, for at most the grace period
-- and never longer than the session had left; nothing loads through it), and returns what it held so the caller
-- can carry over changes made since its load.
local moved = redis.call('HGET', KEYS[1], '#m')
if moved then return {'moved', moved} end
local all = redis.call('HGETALL', KEYS[1])
if #all == 0 then return {'gone'} end
local m = redis.call('HMGET', KEYS[1], '#v', '#p', '#c', '#a', '#i', '#x')
local e = expires(m[3], m[4], m[5], m[6])
if e <= now then return {'gone'} end
local grace = tonumber(ARGV[3])
if e - now < grace then grace = e - now end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '#m', ARGV[2], '#mv', m[1] or '0')
redis.call('PEXPIRE', KEYS[1], grace)
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[4] ~= '' and m[2] then redis.call('SREM', ARGV[4] .. '{' .. m[2] .. '}', ARGV[1]) end
return {'ok', all}
