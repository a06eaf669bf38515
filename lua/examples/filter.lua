-- filter.lua - keep the packets a Lua predicate accepts, drop the others.
-- By default it keeps DNS: UDP with source or destination port 53, over
-- IPv4 or IPv6 - the packets tcpdump's 'udp port 53' selects.
--
--   pktlua -r captures/ipv4.pcap -w dns.pcap -f lua/examples/filter.lua
--   pktlua -r in.pcap -w out.pcap -f filter.lua -a proto=tcp -a port=443
--   pktlua -r in.pcap -w out.pcap -f filter.lua \
--          -a expr='proto == 17 and dport >= 33434 and ttl < 4'
--
-- Arguments (-a NAME=VALUE):
--   proto=udp|tcp   transport protocol of the port match (default udp)
--   port=N          port that the source or destination must be (default 53)
--   expr=LUA        instead: a Lua expression over the numbers
--                     v      IP version, 4 or 6
--                     proto  IPv4 protocol / IPv6 next header (6 TCP, 17 UDP)
--                     sport, dport  TCP/UDP ports (nil for other protocols,
--                            non-first fragments and truncated headers)
--                     ttl    TTL / hop limit
--                     len    the packet's length on the wire
--                   the packet is kept when it is true
--   invert=1        keep what the predicate rejects
--
-- Speed: a Lua call per packet costs about as much as tcpdump's whole
-- filtered read, so on a large file this script alone runs ~4-5x
-- tcpdump's time. When the condition can be said in BPF, put it on the
-- command line as well: pktlua then runs it before the script (in the
-- kernel for a live capture), and Lua sees only what it selects:
--   pktlua -r in.pcap -w dns.pcap -f filter.lua 'udp port 53'
-- (see doc/bench/results.md, cases filter and bpf).
--
-- To filter on anything else, copy this file and change a packet()
-- function: each is a plain predicate over layout pointers. Non-IP packets
-- never match.
--
-- Like tcpdump's filter, the ports of IPv4 are read only from unfragmented
-- packets and first fragments, and the ports of IPv6 only when the UDP/TCP
-- header follows the fixed header directly (no extension headers). Unlike a
-- tcpdump filter, 802.1Q/802.1ad tags need no "vlan" keyword: the daemon
-- finds the IP header behind them (info.l3).
local layout = require "layout"

local args = arg or {}
local setpointer = layout.setpointer
local ip4 = layout.newpointer(require "layouts.ipv4")
local ip6 = layout.newpointer(require "layouts.ipv6")
-- UDP and TCP both start with the two ports: one 4-byte view serves both,
-- and needs no more of the header captured than tcpdump's filter does
local l4 = layout.newpointer(layout.struct{
  { key="sourceport"     , type="number", bytes=2, endian="big" },
  { key="destinationport", type="number", bytes=2, endian="big" },
})

local PROTO = { udp = 17, tcp = 6 }
local invert = args.invert == "1"

if args.expr then
  -- the general predicate: every number decoded, then keep() decides
  local keep, err = load("local v, proto, sport, dport, ttl, len = ...\nreturn "
                         .. args.expr, "=expr", "t", { math = math })
  if not keep then error("filter.lua: bad expr: " .. err, 0) end

  function packet(pkt, info)
    local l3, caplen = info.l3, info.caplen
    local v, proto, ttl, sport, dport
    if not l3 or caplen < l3 + 19 then return invert end
    v = info.ipversion
    local at  -- where the transport header starts
    if v == 4 then
      setpointer(ip4, pkt, l3)
      proto, ttl = ip4.protocol, ip4.timetolive
      if ip4.fragoffset == 0 then at = l3 + ip4.ihl * 4 end
    elseif v == 6 then
      if caplen < l3 + 39 then return invert end
      setpointer(ip6, pkt, l3)
      proto, ttl = ip6.nextheader, ip6.hoplimit
      at = l3 + 40
    else
      return invert
    end
    if at and (proto == 17 or proto == 6) and caplen >= at + 3 then
      setpointer(l4, pkt, at)
      sport, dport = l4.sourceport, l4.destinationport
    end
    if keep(v, proto, sport, dport, ttl, info.len) then
      return not invert
    end
    return invert
  end
  return
end

-- the port predicate (the default): the same decisions, but each field is
-- read only when the previous ones did not settle the verdict yet
local want = PROTO[args.proto or "udp"]
if not want then
  error("filter.lua: proto must be udp or tcp, got '" .. args.proto .. "'", 0)
end
local port = math.tointeger(tonumber(args.port or "53"))
if not port or port < 0 or port > 65535 then
  error("filter.lua: port must be 0..65535, got '" .. args.port .. "'", 0)
end

-- The common case, an IPv4 header without options (IHL 5), gets one view
-- of the header and the two ports behind it: one setpointer, five reads.
local v4ports = layout.newpointer(layout.struct{
  { key="vihl"    , type="number", bytes=1 },              -- 0x45
  { bytes=5 },                                             -- tos, length, id
  { key="fragment", type="number", bytes=2, endian="big" }, -- flags, offset
  { bytes=1 },                                             -- TTL
  { key="protocol", type="number", bytes=1 },
  { bytes=2 }, { bytes=8 },                                -- sum, addresses
  { key="sourceport"     , type="number", bytes=2, endian="big" },
  { key="destinationport", type="number", bytes=2, endian="big" },
})

-- pkt is the same memory for every packet, so v4ports follows it from one
-- packet to the next: it is set again only when the IP header moves.
local v4at

function packet(pkt, info)
  local l3 = info.l3
  if not l3 then return invert end
  local caplen = info.caplen
  if caplen >= l3 + 23 then
    if l3 ~= v4at then setpointer(v4ports, pkt, l3); v4at = l3 end
    if v4ports.vihl == 0x45 then
      if v4ports.protocol ~= want or (v4ports.fragment & 0x1fff) ~= 0 then
        return invert
      end
      if v4ports.sourceport == port or v4ports.destinationport == port then
        return not invert
      end
      return invert
    end
  end
  -- any other IPv4 or IPv6 packet, through layouts.ipv4 / layouts.ipv6
  if caplen < l3 + 19 then return invert end
  local v, at = info.ipversion, nil
  if v == 4 then
    setpointer(ip4, pkt, l3)
    if ip4.protocol ~= want or ip4.fragoffset ~= 0 then return invert end
    at = l3 + ip4.ihl * 4
  elseif v == 6 then
    if caplen < l3 + 39 then return invert end
    setpointer(ip6, pkt, l3)
    if ip6.nextheader ~= want then return invert end
    at = l3 + 40
  else
    return invert
  end
  if caplen < at + 3 then return invert end
  setpointer(l4, pkt, at)
  if l4.sourceport == port or l4.destinationport == port then
    return not invert
  end
  return invert
end
