-- Cluster only (elsewhere the session scripts keep the index). KEYS[1] a principal's set of session ids.
-- ARGV: 1 'add' or 'remove', 2 id, 3 ms the set must live at least ('add').
if ARGV[1] == 'add' then
  redis.call('SADD', KEYS[1], ARGV[2])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
else
  redis.call('SREM', KEYS[1], ARGV[2])
end
return {'ok'}
