-- pktlua.link: where a link layer says what follows it, for scripts that
-- put another packet behind it (encap.lua, decap.lua).
--
--   local link = require "pktlua.link"
--   link.typeat(pkt, info.linktype, info.l3)  --> 13 (Ethernet), 17 (one
--                                                 VLAN tag), 15 (SLL), ...
--   link.holds(linktype, 0x86dd)              --> may an IPv6 packet follow
--
-- typeat gives the 1-based position of the 16-bit ethertype right before
-- the IP header at l3: Ethernet (through 802.1Q, 802.1ad, 0x9100 tags),
-- SLL, SLL2; 0 for raw IP (LINKTYPE_RAW, _IPV4, _IPV6), whose type is the
-- packet's version; nil when the header before l3 is something else
-- (PPPoE, MPLS) or the link layer says no type. Reads stay before l3.
local M = {}

local function get16 (pkt, i) return pkt:get(i) << 8 | pkt:get(i + 1) end

function M.typeat (pkt, linktype, l3)
  if linktype == 1 then
    local at = 13
    while at + 2 < l3 do
      local t = get16(pkt, at)
      if t ~= 0x8100 and t ~= 0x88a8 and t ~= 0x9100 then return nil end
      at = at + 4
    end
    return at + 2 == l3 and at or nil
  elseif linktype == 113 then return l3 == 17 and 15 or nil
  elseif linktype == 276 then return l3 == 21 and 1 or nil
  elseif linktype == 101 or linktype == 228 or linktype == 229 then return 0
  end
end

-- the ethertypes raw IP link types can carry; every one for the others
local raw = {[101] = {[0x0800] = true, [0x86dd] = true},
             [228] = {[0x0800] = true}, [229] = {[0x86dd] = true}}

function M.holds (linktype, ethertype)
  local r = raw[linktype]
  return r == nil or r[ethertype] == true
end

return M
