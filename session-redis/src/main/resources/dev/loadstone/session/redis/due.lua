-- KEYS[1] an expiry index. ARGV[1] how many. The ids whose expiry (by Redis time) has passed, oldest first.
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
