-- Shared by every script (prepended in Java). Times are epoch milliseconds; 'now' is Redis's own clock (TIME),
-- so every node agrees on when a session expires whatever its own clock says.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function expires(c, a, i, x)
  c, a, i, x = tonumber(c), tonumber(a), tonumber(i), tonumber(x)
  if i == 0 then
    if x == 0 then return a + 31536000000 end
    return c + x
  end
  local e = a + i
  if x > 0 and c + x < e then e = c + x end
  return e
end
