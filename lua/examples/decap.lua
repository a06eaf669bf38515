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
--   quiet=1    no summary at the end
--
-- An Ethernet frame inside (VXLAN; GRE and Geneve with type 0x6558,
-- transparent Ethernet bridging) replaces the whole outer frame. Anything
-- else keeps the outer link layer and has its type set: an IP packet
-- (IP in IP, GTP-U, GRE, Geneve) the ethertype of its version, MPLS or
-- another protocol in GRE or Geneve their type. The link layers that say
-- a type are Ethernet with any VLAN tags before the outer IP header, SLL
-- and SLL2; raw IP (LINKTYPE_RAW, _IPV4, _IPV6) takes an inner IP packet
-- of a version it can hold. Other packets pass unchanged: those that are
-- no tunnel, fragments of one, PPTP's GRE (PPP inside), tunnels whose
-- inner packet pktlua.inner does not find (an ARP in VXLAN), inside PPPoE
-- or MPLS, or cut before their inner packet. The inner packet's bytes do
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
local inner, l4of, remove = pktlua.inner, pktlua.l4, pktlua.remove

local ETH = 0x6558   -- transparent Ethernet bridging: a frame inside
local count = {}     -- packets stripped, by outermost tunnel

local function get16 (pkt, i) return pkt:get(i) << 8 | pkt:get(i + 1) end

-- where the tunnel `kind` at l4 has its payload, and the payload's type
-- (ETH for a frame); nil when it is none this script can stand in place
local function payload (pkt, kind, l4, in3)
  if kind == "vxlan" then return l4 + 16, ETH end
  if kind == "gre" then
    local flags = pkt:get(l4)
    if pkt:get(l4 + 1) & 7 ~= 0 then return nil end  -- PPTP: PPP inside
    local hl = 4 + (flags >> 7 & 1) * 4 + (flags >> 5 & 1) * 4 + (flags >> 4 & 1) * 4
    return l4 + hl, get16(pkt, l4 + 2)
  end
  if kind == "geneve" then
    return l4 + 16 + (pkt:get(l4 + 8) & 0x3f) * 4, get16(pkt, l4 + 10)
  end
  return in3, pkt:get(in3) >> 4 == 6 and 0x86dd or 0x0800  -- ip, gtpu
end

-- where the link layer of linktype lt says the type of what follows, for
-- an IP header at l3: its offset; 0 for raw IP, whose type is the
-- version (`ok` tells which types it holds); nil for none
local function typeat (pkt, lt, l3)
  if lt == 1 then
    local at = 13
    while at + 2 < l3 do
      local t = get16(pkt, at)
      if t ~= 0x8100 and t ~= 0x88a8 and t ~= 0x9100 then return nil end
      at = at + 4
    end
    return at + 2 == l3 and at or nil
  end
  if lt == 113 then return l3 == 17 and 15 or nil end
  if lt == 276 then return l3 == 21 and 1 or nil end
  if lt == 101 or lt == 228 or lt == 229 then return 0 end
end
local rawholds = {[101] = {[0x0800] = true, [0x86dd] = true},
                  [228] = {[0x0800] = true}, [229] = {[0x86dd] = true}}

function packet (pkt, info)
  local lt, first = info.linktype, nil
  for _ = 1, levels do
    local l3 = info.l3
    if not l3 then break end
    local in3, _, _, kind = inner(pkt, l3)
    if not in3 then break end
    local l4, _, frag = l4of(pkt, l3)
    if frag ~= "none" then break end
    local from, type = payload(pkt, kind, l4, in3)
    if not from or from > #pkt then break end
    if type == ETH then
      if lt ~= 1 then break end
      remove(pkt, 1, from - 1)
    else
      local at = typeat(pkt, lt, l3)
      if not at or at == 0 and not rawholds[lt][type] then break end
      remove(pkt, l3, from - l3)
      if at > 0 then pkt:set(at, type >> 8, type & 255) end
    end
    first = first or kind
  end
  if first then count[first] = (count[first] or 0) + 1 end
end

function finish ()
  if quiet then return end
  local t = {}
  for k, n in pairs(count) do t[#t + 1] = k .. " " .. n end
  table.sort(t)
  io.stderr:write(("decap.lua: stripped %s\n"):format(
    #t > 0 and table.concat(t, ", ") or "nothing"))
end
