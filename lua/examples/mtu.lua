-- mtu.lua - IP packets longer than an MTU cut to it, their lengths and
-- checksums fixed, so that a capture from a network with larger frames
-- (jumbo frames, offloaded segments) replays on this one.
--
--   pktlua -r jumbo.pcap -w out.pcap -f mtu.lua              -- MTU 1500
--   pktlua -r in.pcap -o eth1 -f mtu.lua -a mtu=1400
--
-- Arguments (-a NAME=VALUE):
--   mtu=N   the largest IP packet, in bytes (default 1500, at least 68)
--
-- A packet whose IP packet (from its IP header to the end of the frame on
-- the wire) is longer is cut to l3 - 1 + mtu bytes, captured whole, and
-- pktlua.fixup sets its IP and UDP lengths and checksums, as tcprewrite
-- --mtu-trunc does. Other packets pass as they are (padding and bad
-- checksums included).
local pktlua = require "pktlua"

local v = (arg or {}).mtu or "1500"
local mtu = math.tointeger(tonumber(v))
if mtu == nil or mtu < 68 or mtu > 262144 then
  error("mtu.lua: -a mtu=" .. v .. ": not an integer in 68..262144", 0)
end
local resize, fixup = pktlua.resize, pktlua.fixup

function packet (pkt, info)
  local l3 = info.l3
  if not l3 or info.len - (l3 - 1) <= mtu then return end
  resize(pkt, math.min(#pkt, l3 - 1 + mtu))
  info.len = #pkt
  fixup(pkt, info)
end
