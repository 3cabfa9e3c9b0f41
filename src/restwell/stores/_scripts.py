"""
The Lua scripts of ``RedisStore``: one script per decision, run atomically by Redis.

Every script reads the time from Redis (``TIME``) unless the caller passes one
(``ARGV[1]`` not empty: the tests drive the scripts with a ``FakeClock`` that way),
so every process deciding on a key uses one clock, the Redis server's: clock skew
between the processes does not matter. (With a caller's clock, keys live a minute
longer than their horizon: that clock is not Redis's.) Numbers go back as strings
(Redis turns a Lua number into an integer).
"""

from __future__ import annotations

__all__ = ["CIRCUIT_SCRIPTS", "RATE_SCRIPT"]

_NOW = """
local now
local slack = 1
if ARGV[1] == "" then
  local t = redis.call("TIME")
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
else
  now = tonumber(ARGV[1])
  slack = 60000
end
"""

# GCRA over several limits (see restwell.policies._rate): KEYS[1] a hash, one
# field per limit ("1", "2", ...) holding its theoretical arrival time (tat).
# ARGV: now, max_wait (-1: none), then per limit its emission interval T and
# (burst - 1) * T. Returns the wait (admitted, slot reserved) or minus the wait it
# would need (refused, nothing written). The key expires when the last tat has
# passed: an absent key is the same as one whose every tat is in the past.
RATE_SCRIPT = (
    _NOW
    + """
local max_wait = tonumber(ARGV[2])
local n = (#ARGV - 2) / 2
local fields = {}
for i = 1, n do fields[i] = tostring(i) end
local tats = redis.call("HMGET", KEYS[1], unpack(fields))
local at = now
for i = 1, n do
  local tat = tonumber(tats[i]) or now
  local start = tat - tonumber(ARGV[2 + 2 * i])
  if start > at then at = start end
end
local wait = at - now
if max_wait >= 0 and wait > max_wait then
  return string.format("%.17g", -wait)
end
local set = {}
local horizon = now
for i = 1, n do
  local tat = tonumber(tats[i]) or now
  if at > tat then tat = at end
  tat = tat + tonumber(ARGV[1 + 2 * i])
  if tat > horizon then horizon = tat end
  set[2 * i - 1] = fields[i]
  set[2 * i] = string.format("%.17g", tat)
end
redis.call("HSET", KEYS[1], unpack(set))
redis.call("PEXPIRE", KEYS[1], math.ceil((horizon - now) * 1000) + slack)
return string.format("%.17g", wait)
"""
)

# The circuit breaker (see restwell.policies._circuit, whose in-memory store these
# scripts mirror rule for rule). KEYS[1] a hash: st state, ep epoch, op openings in
# a row, un end of the break, pr probes under way, su probes that succeeded, pl end
# of the probes' lease, co failures in a row, to/fa attempts/failures in the window,
# w the window's slices as JSON [[start, total, failures], ...].
# ARGV: now, window, slice, min_throughput, failure_ratio (-1: off),
# consecutive_failures (-1: off), break, growth, max break, probes, lease, then the
# script's own arguments from ARGV[12].
# A change returns {old, new, reason, retry_in}.
_CIRCUIT = (
    _NOW
    + """
local window = tonumber(ARGV[2])
local slice = tonumber(ARGV[3])
local min_throughput = tonumber(ARGV[4])
local ratio = tonumber(ARGV[5])
local consecutive = tonumber(ARGV[6])
local brk = tonumber(ARGV[7])
local growth = tonumber(ARGV[8])
local max_brk = tonumber(ARGV[9])
local probes = tonumber(ARGV[10])
local lease = tonumber(ARGV[11])
local h = redis.call("HMGET", KEYS[1], "st", "ep", "op", "un", "pr", "su", "pl",
  "co", "to", "fa", "w")
local k = {
  st = h[1] or "closed", ep = tonumber(h[2]) or 0, op = tonumber(h[3]) or 0,
  un = tonumber(h[4]) or 0, pr = tonumber(h[5]) or 0, su = tonumber(h[6]) or 0,
  pl = tonumber(h[7]) or 0, co = tonumber(h[8]) or 0, to = tonumber(h[9]) or 0,
  fa = tonumber(h[10]) or 0, w = h[11] and cjson.decode(h[11]) or {}
}
local function num(x) return string.format("%.17g", x) end
local function save()
  redis.call("HSET", KEYS[1], "st", k.st, "ep", k.ep, "op", k.op, "un", num(k.un),
    "pr", k.pr, "su", k.su, "pl", num(k.pl), "co", k.co, "to", k.to, "fa", k.fa,
    "w", #k.w > 0 and cjson.encode(k.w) or "[]")
  local ttl = window
  if k.st == "isolated" then
    redis.call("PERSIST", KEYS[1])
    return
  elseif k.st == "open" then
    ttl = k.un - now + window
  elseif k.st == "half_open" then
    ttl = lease + window
  end
  redis.call("PEXPIRE", KEYS[1], math.ceil(ttl * 1000) + slack)
end
local function break_of(opened)
  local b = brk * growth ^ (opened - 1)
  if b > max_brk then b = max_brk end
  return b
end
local function enter(state)
  k.ep = k.ep + 1
  k.pr = 0
  k.su = 0
  k.w = {}
  k.to = 0
  k.fa = 0
  k.co = 0
  if state == "closed" then k.op = 0 end
  k.st = state
end
local function expire()
  local horizon = now - window
  while #k.w > 0 and k.w[1][1] <= horizon do
    k.to = k.to - k.w[1][2]
    k.fa = k.fa - k.w[1][3]
    table.remove(k.w, 1)
  end
end
local function open(reason)
  local old = k.st
  local opened = k.op + 1
  enter("open")
  k.op = opened
  local pause = break_of(opened)
  k.un = now + pause
  save()
  return {old, "open", reason, num(pause)}
end
"""
)

_ADMIT = """
if k.st == "closed" then return {"a", "0", tostring(k.ep)} end
if k.st == "open" then
  if now < k.un then return {"r", "open", num(k.un - now)} end
  local reason = string.format("break of %.3g s over", break_of(k.op))
  enter("half_open")
  k.pr = 1
  k.pl = now + lease
  save()
  return {"a", "1", tostring(k.ep), "open", "half_open", reason}
end
if k.st == "half_open" then
  if k.pr > 0 and now >= k.pl then k.pr = 0 end
  if k.pr + k.su < probes then
    k.pr = k.pr + 1
    k.pl = now + lease
    save()
    return {"a", "1", tostring(k.ep)}
  end
  return {"r", "half_open", "0"}
end
return {"r", "isolated", "inf"}
"""

# ARGV[12] the admission's epoch, ARGV[13] "1" when the outcome is a failure.
_RECORD = """
if tonumber(ARGV[12]) ~= k.ep then return {} end
local failed = ARGV[13] == "1"
if k.st == "half_open" then
  if k.pr > 0 then k.pr = k.pr - 1 end
  if failed then return open("a half-open probe failed") end
  k.su = k.su + 1
  if k.su < probes then
    save()
    return {}
  end
  enter("closed")
  save()
  local s = "s"
  if probes == 1 then s = "" end
  return {"half_open", "closed", string.format("%d half-open probe%s succeeded",
    probes, s), "0"}
end
if k.st ~= "closed" then return {} end
local b = k.w[#k.w]
if b == nil or now >= b[1] + slice then
  expire()
  b = {now, 0, 0}
  table.insert(k.w, b)
end
b[2] = b[2] + 1
k.to = k.to + 1
if not failed then
  k.co = 0
  save()
  return {}
end
expire()
b[3] = b[3] + 1
k.fa = k.fa + 1
k.co = k.co + 1
if consecutive > 0 and k.co >= consecutive then
  return open(string.format("%d failures in a row", k.co))
end
if ratio > 0 and k.to >= min_throughput and k.fa >= ratio * k.to then
  return open(string.format("%d of %d attempts failed in %.3g s", k.fa, k.to,
    window))
end
save()
return {}
"""

# ARGV[12] the admission's epoch, ARGV[13] "1" for a probe.
_RELEASE = """
if ARGV[13] == "1" and tonumber(ARGV[12]) == k.ep and k.pr > 0 then
  k.pr = k.pr - 1
  save()
end
return {}
"""

_ISOLATE = """
if k.st == "isolated" then return {} end
local old = k.st
enter("isolated")
save()
return {old, "isolated", "isolated by hand", "inf"}
"""

_RESET = """
local old = k.st
enter("closed")
k.op = 0
save()
if old == "closed" then return {} end
return {old, "closed", "reset by hand", "0"}
"""

# Read-only: {state, retry_in, failures, total, consecutive, probes}.
_STATUS = """
if h[1] == false then return {"closed", "0", "0", "0", "0", "0"} end
expire()
local state = k.st
local retry_in = "0"
if state == "open" then
  if now < k.un then retry_in = num(k.un - now) else state = "half_open" end
elseif state == "isolated" then
  retry_in = "inf"
end
return {state, retry_in, tostring(k.fa), tostring(k.to), tostring(k.co),
  tostring(k.pr)}
"""

CIRCUIT_SCRIPTS: dict[str, str] = {
    "admit": _CIRCUIT + _ADMIT,
    "record": _CIRCUIT + _RECORD,
    "release": _CIRCUIT + _RELEASE,
    "isolate": _CIRCUIT + _ISOLATE,
    "reset": _CIRCUIT + _RESET,
    "status": _CIRCUIT + _STATUS,
}
"""The breaker's scripts by operation, each one atomic decision."""
