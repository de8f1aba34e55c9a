-- KEYS[1] the session hash, KEYS[2] its expiry index. ARGV: 1 id, 2 principal-set key prefix or '', 3 '' or the
-- principal the session must have (invalidateAll: a session that changed hands meanwhile is left alone).
-- Returns {'moved', new id} for a tombstone (the caller deletes where it led), {'other'} when the principal did
-- not match, else {'ok', principal or '', the hash (only when a principal was expected)}.
local m = redis.call('HMGET', KEYS[1], '#m', '#p')
if ARGV[3] ~= '' and m[2] ~= ARGV[3] then return {'other'} end
local all = {}
if ARGV[3] ~= '' then all = redis.call('HGETALL', KEYS[1]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] ~= '' and m[2] then redis.call('SREM', ARGV[2] .. '{' .. m[2] .. '}', ARGV[1]) end
if m[1] then return {'moved', m[1]} end
return {'ok', m[2] or '', all}
