-- vlan.lua - 802.1Q tags on Ethernet frames: push one, pop one, change one.
--
--   pktlua -r in.pcap -w out.pcap -f vlan.lua -a op=push -a vid=100 -a pcp=5
--   pktlua -r in.pcap -w out.pcap -f vlan.lua -a op=pop
--   pktlua -r in.pcap -w out.pcap -f vlan.lua -a op=set -a vid=200
--
-- Arguments (-a NAME=VALUE):
--   op=push    a tag in front of the frame's type (over any tag already
--              there: the new one is the outer one), as tcprewrite
--              --enet-vlan=add --enet-vlan-tag=VID --enet-vlan-pri=PCP
--   op=pop     the outer tag (802.1Q, 802.1ad or 0x9100) off; frames
--              without one pass unchanged (tcprewrite --enet-vlan=del)
--   op=set     the outer tag's VID (and PCP, DEI when given) changed
--   vid=N      0..4095 (push: required)
--   pcp=N      priority 0..7 (push: default 0)
--   dei=N      drop eligible 0 or 1 (push: default 0)
--   tpid=N     the tag's type for push: 0x8100 (default), 0x88a8 (S-tag)
--
-- Only Ethernet II frames change: 802.3 frames (a length, not a type,
-- after the addresses) and other link types pass as they are. The IP
-- packet does not move relative to its own header, so no length or
-- checksum changes (pktlua.fixup is not needed). The tag is made once,
-- here: the per-packet path allocates nothing.
--
-- Speed: each step of packet() below is priced in instructions (callgrind,
-- doc/bench/results.md); the common frames take the shortest way:
-- info.l3 == 15 says "Ethernet II, IP right after the type" without a
-- read of the frame, and the type is read through a layout view set once
-- on pkt (the same memory for every packet) rather than pkt:get.
local pktlua = require "pktlua"
local layout = require "layout"

-- the type (or the outer tag's TPID) after the two MAC addresses
local eth = layout.newpointer(layout.struct{ endian = "big",
  { type = "string", bytes = 12 },       -- destination, source (skipped)
  { key = "type", type = "number", bytes = 2 },
})
local viewset  -- eth set on pkt

local args = arg or {}
local op = args.op or "push"

local function number (name, default, max)
  local v = args[name]
  if v == nil then
    if default == nil then error("vlan.lua: -a " .. name .. "=N is required", 0) end
    return default
  end
  local n = math.tointeger(tonumber(v))
  if n == nil or n < 0 or n > max then
    error(("vlan.lua: -a %s=%s: not an integer in 0..%d"):format(name, v, max), 0)
  end
  return n
end

if op ~= "push" and op ~= "pop" and op ~= "set" then
  error("vlan.lua: -a op=" .. op .. ": push, pop or set", 0)
end
local vid = number("vid", op ~= "push" and -1 or nil, 4095)
local pcp = number("pcp", op == "push" and 0 or -1, 7)
local dei = number("dei", op == "push" and 0 or -1, 1)
local tpid = number("tpid", 0x8100, 0xffff)

local tag  -- push: TPID and TCI, 4 bytes
if op == "push" then
  local tci = pcp << 13 | dei << 12 | vid
  tag = string.char(tpid >> 8, tpid & 255, tci >> 8, tci & 255)
end

function packet (pkt, info)
  local l3 = info.l3
  if op == "push" and l3 == 15 and info.linktype == 1 then
    pktlua.insert(pkt, 13, 4, tag)  -- Ethernet II with IP: the common case
    return
  end
  -- pop and set need a tag and the type after it: 18 bytes (l3 behind a
  -- tag is 19 or more: that many are captured)
  if info.linktype ~= 1 then return end
  if not (l3 and l3 >= 19) and info.caplen < (op == "push" and 14 or 18) then
    return
  end
  if not viewset then layout.setpointer(eth, pkt, 1); viewset = true end
  local type = eth.type
  if op == "push" then
    if type >= 0x0600 then pktlua.insert(pkt, 13, 4, tag) end  -- not 802.3
  elseif type ~= 0x8100 and type ~= 0x88a8 and type ~= 0x9100 then
    return  -- no tag
  elseif op == "pop" then
    pktlua.remove(pkt, 13, 4)
  else  -- set: the TCI's fields that were given
    local t1, t2 = pkt:get(15, 16)
    local tci = t1 << 8 | t2
    if pcp >= 0 then tci = tci & 0x1fff | pcp << 13 end
    if dei >= 0 then tci = tci & 0xefff | dei << 12 end
    if vid >= 0 then tci = tci & 0xf000 | vid end
    pkt:set(15, tci >> 8, tci & 255)
  end
end
