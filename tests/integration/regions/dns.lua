-- dns.lua: a DNS parser on one memory.reader over `pkt`, made at the first
-- packet and moved with seek at each (no allocation per packet); prints
-- "id query name." for each question and "id response" for each answer.
-- Short packets stop it cleanly: every read returns nil there.
local memory = require "memory"
local r

local function name()
  local labels = {}
  while true do
    local n = r:uint(1)
    if not n then return nil end
    if n == 0 then return table.concat(labels, ".") .. "." end
    if n >= 0xc0 then return nil end          -- no pointers in a question
    local label = r:string(n)
    if not label then return nil end
    labels[#labels + 1] = label
  end
end

function packet(pkt, info)
  local l3 = info.l3
  if not l3 then return true end
  r = r or memory.reader(pkt)
  local l4, proto
  if info.ipversion == 4 then
    r:seek(l3)
    local ihl = r:uint(1)
    r:seek(l3 + 6)
    local frag = r:uint(2)
    r:skip(1)
    proto = r:uint(1)
    if not frag or frag & 0x1fff ~= 0 then return true end  -- not the first
    l4 = l3 + (ihl & 15) * 4
  elseif info.ipversion == 6 then
    r:seek(l3 + 6)
    proto, l4 = r:uint(1), l3 + 40
  end
  if proto ~= 17 then return true end
  r:seek(l4)
  local sport, dport = r:uint(2), r:uint(2)
  if sport ~= 53 and dport ~= 53 then return true end
  r:skip(4)                                   -- UDP length and checksum
  local id, flags, qd = r:uint(2), r:uint(2), r:uint(2)
  if not qd then return true end
  if flags & 0x8000 ~= 0 then
    print(id, "response")
  else
    r:skip(6)
    print(id, "query", name() or "?")
  end
  return true
end
