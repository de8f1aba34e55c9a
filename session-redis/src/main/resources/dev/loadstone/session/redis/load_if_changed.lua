-- KEYS[1] the session hash. ARGV[1] the version the near-cache holds. One round trip: 'same' when unchanged,
-- else the whole hash (empty when gone; a tombstone's fields when moved, which load as no session).
local v = redis.call('HGET', KEYS[1], '#v')
if v and v == ARGV[1] then return {'same'} end
return {'full', redis.call('HGETALL', KEYS[1])}
