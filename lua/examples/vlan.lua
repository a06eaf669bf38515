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
local pktlua = require "pktlua"

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

local function istag (t) return t == 0x8100 or t == 0x88a8 or t == 0x9100 end

local tag  -- push: TPID and TCI, 4 bytes
if op == "push" then
  local tci = pcp << 13 | dei << 12 | vid
  tag = string.char(tpid >> 8, tpid & 255, tci >> 8, tci & 255)
end

function packet (pkt, info)
  if info.linktype ~= 1 or #pkt < 14 then return end
  local hi, lo = pkt:get(13, 14)
  local type = hi << 8 | lo
  if type < 0x0600 then return end  -- 802.3: a length
  if op == "push" then
    pktlua.insert(pkt, 13, 4, tag)
  elseif not istag(type) or #pkt < 18 then
    return
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
