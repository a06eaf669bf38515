-- decap.lua - tunnels stripped: each packet a tunnel carries takes the
-- place of the one that carried it (VXLAN, GRE, IP in IP, Geneve, GTP-U),
-- so that the traffic inside can be read, filtered or replayed as plain.
--
--   pktlua -r tunnels.pcap -w inner.pcap -f lua/examples/decap.lua
--   pktlua -r tunnels.pcap -w inner.pcap -f decap.lua -a levels=1
--
-- Arguments (-a NAME=VALUE):
--   levels=N   tunnels stripped at most, outermost first (default: all,
--              down to the innermost packet)
--   quiet=1    no summary at the end (one line, whatever --workers says:
--              each worker's finish() returns its counts, merge() adds
--              them up)
--
-- An Ethernet frame inside (VXLAN; GRE and Geneve with type 0x6558,
-- transparent Ethernet bridging) replaces the whole outer frame. Anything
-- else keeps the outer link layer and has its type set: an IP packet
-- (IP in IP, GTP-U, GRE, Geneve) the ethertype of its version, MPLS or
-- another protocol in GRE or Geneve their type. The link layers that say
-- a type are Ethernet with any VLAN tags before the outer IP header, SLL
-- and SLL2; raw IP (LINKTYPE_RAW, _IPV4, _IPV6) takes an inner IP packet
-- of a version it can hold. Other packets pass unchanged: those that are
-- no tunnel, fragments of one, PPTP's GRE (PPP inside), GTP-U other than
-- a G-PDU, inside PPPoE or MPLS, or cut before their inner packet.
-- Tunnels are known by protocol number and UDP destination port, as
-- pktlua.inner knows them, whatever they carry (an ARP in VXLAN too). The inner packet's bytes do
-- not change (bad checksums stay bad); what followed the outer IP packet
-- (Ethernet padding) stays after it.
local pktlua = require "pktlua"

local args = arg or {}
local levels = math.huge
if args.levels then
  levels = math.tointeger(tonumber(args.levels))
  if not levels or levels < 1 then
    error("decap.lua: -a levels=" .. args.levels .. ": not an integer >= 1", 0)
  end
end
local quiet = args.quiet == "1"
local link = require "pktlua.link"
local inner, l4of, remove = pktlua.inner, pktlua.l4, pktlua.remove
local typeat, holds = link.typeat, link.holds

local ETH = 0x6558   -- transparent Ethernet bridging: a frame inside
local count = {}     -- packets stripped, by outermost tunnel

local function get16 (pkt, i) return pkt:get(i) << 8 | pkt:get(i + 1) end

-- the tunnel at l4 of an IP packet at l3 (protocol proto): its kind, where
-- its payload starts and the payload's type (ETH for a frame); nil when
-- it is none this script can put in place of its packet
local function tunnel (pkt, l3, l4, proto)
  local n = #pkt
  if (proto == 4 or proto == 41) and pkt:get(l4) >> 4 == (proto == 4 and 4 or 6) then
    return "ip", l4, proto == 4 and 0x0800 or 0x86dd
  elseif proto == 47 and l4 + 3 <= n then  -- version 0, no routing
    local flags = pkt:get(l4)
    if flags & 0x40 ~= 0 or pkt:get(l4 + 1) & 7 ~= 0 then return nil end
    local hl = 4 + (flags >> 7 & 1) * 4 + (flags >> 5 & 1) * 4 + (flags >> 4 & 1) * 4
    return "gre", l4 + hl, get16(pkt, l4 + 2)
  elseif proto ~= 17 or l4 + 15 > n then
    return nil
  end
  local port = get16(pkt, l4 + 2)
  if port == 4789 and pkt:get(l4 + 8) & 0x08 ~= 0 then  -- I: a valid VNI
    return "vxlan", l4 + 16, ETH
  elseif port == 6081 and pkt:get(l4 + 8) >> 6 == 0 then
    return "geneve", l4 + 16 + (pkt:get(l4 + 8) & 0x3f) * 4, get16(pkt, l4 + 10)
  elseif port == 2152 then  -- a G-PDU's IP packet, past the extensions
    local in3 = inner(pkt, l3)
    if in3 then return "gtpu", in3, pkt:get(in3) >> 4 == 6 and 0x86dd or 0x0800 end
  end
end

function packet (pkt, info)
  local lt, first = info.linktype, nil
  for _ = 1, levels do
    local l3 = info.l3
    if not l3 then break end
    local l4, proto, frag = l4of(pkt, l3)
    if not l4 or frag ~= "none" then break end
    local kind, from, type = tunnel(pkt, l3, l4, proto)
    if not kind or from > #pkt or type == ETH and from + 13 > #pkt then break end
    if type == ETH then
      if lt ~= 1 then break end
      remove(pkt, 1, from - 1)
    else
      local at = typeat(pkt, lt, l3)
      if not at or not holds(lt, type) then break end
      remove(pkt, l3, from - l3)
      if at > 0 then pkt:set(at, type >> 8, type & 255) end
    end
    first = first or kind
  end
  if first then count[first] = (count[first] or 0) + 1 end
end

-- the counts, from each worker's state to merge's
function finish ()
  return count
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- counts by tunnel; merge runs in a fresh state, whose count is empty
function merge (results)
  for w = 1, results.n do
    for k, n in pairs(results[w] or {}) do count[k] = (count[k] or 0) + n end
  end
  if quiet then return end
  local t = {}
  for k, n in pairs(count) do t[#t + 1] = k .. " " .. n end
  table.sort(t)
  io.stderr:write(("decap.lua: stripped %s\n"):format(
    #t > 0 and table.concat(t, ", ") or "nothing"))
end
