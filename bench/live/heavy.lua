-- heavy.lua - bench/live/run's pktlua-heavy: the work of an export
-- pipeline on every packet, more than one core of the bench machine does
-- at the rates its sender reaches (a bench case, not an example):
--   1. the addresses anonymised: lua/examples/anonymize.lua's own packet
--      function (-a examples=DIR names its folder);
--   2. a table of flows keyed by the 5-tuple's bytes: packets, bytes,
--      first and last seen; every 10,000 packets the flows idle for 10 s
--      go (a bench run is shorter: the table keeps every flow);
--   3. the transport payload, as a string, searched for SIGS Lua patterns
--      (an IDS-like signature list; these are made up and match none of
--      the bench's frames). With the default 8, 200,000 --udp64 frames
--      take ~2.2 s of one core from a file (~90,000 packets/s).
-- Every packet passes. finish() says what it counted unless quiet=1.
local memory = require "memory"
local args = arg or {}
local quiet = args.quiet == "1"
local SIGS = tonumber(args.sigs) or 8

local anon = assert(loadfile((args.examples or "lua/examples") .. "/anonymize.lua"))
anon()
local anonymize = packet

local flows, nflows, seen, expired = {}, 0, 0, 0
local sigs, matched = {}, 0
for i = 1, SIGS do
  -- a few literal bytes around classes and repetitions, as signatures go
  sigs[i] = string.format("%%d%%d%%d%c%%a+%c[%%w%%.]*%02d", 64 + i % 26, 97 + i % 26, i)
end

local function expire(now)
  for k, f in pairs(flows) do
    if now - f[4] > 10 then
      flows[k] = nil
      nflows = nflows - 1
      expired = expired + 1
    end
  end
end

function packet(pkt, info)
  anonymize(pkt, info)
  local l3, l4, caplen = info.l3, info.l4, info.caplen
  if not (l3 and l4) or caplen < l4 + 3 then return true end
  local now = info.sec + info.nsec * 1e-9
  local key = memory.tostring(pkt, l3 + 12, l3 + 19) .. info.proto ..
              memory.tostring(pkt, l4, l4 + 3)
  local f = flows[key]
  if f == nil then
    f = { 0, 0, now, now }
    flows[key] = f
    nflows = nflows + 1
  end
  f[1], f[2], f[4] = f[1] + 1, f[2] + caplen, now
  local first = l4 + (info.proto == 6 and 20 or 8)
  if caplen >= first then
    local payload = memory.tostring(pkt, first, caplen)
    for i = 1, SIGS do
      if payload:find(sigs[i]) then matched = matched + 1 end
    end
  end
  seen = seen + 1
  if seen % 10000 == 0 then expire(now) end
  return true
end

function finish()
  if quiet then return end
  io.stderr:write(string.format("heavy.lua: %d packets, %d flows left, %d expired, %d signature matches\n",
    seen, nflows, expired, matched))
end
