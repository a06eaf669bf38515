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
--                     proto  the transport protocol (info.proto: after IPv4
--                            options and IPv6 extension headers; 6 TCP, 17 UDP)
--                     sport, dport  TCP/UDP ports (nil for other protocols,
--                            non-first fragments and truncated headers)
--                     ttl    TTL / hop limit
--                     len    the packet's length on the wire
--                   the packet is kept when it is true
--   invert=1        keep what the predicate rejects
--
-- Speed: a Lua call per packet costs about as much as tcpdump's whole
-- filtered read; info.proto and info.l4 are table reads (the daemon finds
-- them before each packet once a script has read them) and the ports one
-- layout read, so on a large file of 64-byte frames this script alone
-- takes ~2.3x tcpdump's time (doc/bench/filter-l4.md). When the
-- condition can be said in BPF, put it on the
-- command line as well: pktlua then runs it before the script (in the
-- kernel for a live capture), and Lua sees only what it selects:
--   pktlua -r in.pcap -w dns.pcap -f filter.lua 'udp port 53'
-- (see doc/bench/results.md, cases filter and bpf).
--
-- To filter on anything else, copy this file and change a packet()
-- function: each is a plain predicate over info and a layout pointer.
-- Non-IP packets never match.
--
-- The transport header is the daemon's info.l4 / info.proto: after IPv4
-- options and the IPv6 extension headers (hop-by-hop, routing,
-- destination options, fragment, AH), so DNS behind a hop-by-hop header is
-- kept, where tcpdump's 'udp port 53' (which looks at the IPv6 next header
-- field only) misses it. Ports are read from unfragmented packets and first
-- fragments only (info.l4 is nil in later ones), as tcpdump does. Unlike a
-- tcpdump filter, 802.1Q/802.1ad tags, MPLS and PPPoE need no keyword: the
-- daemon finds the IP header behind them (info.l3).
pktlua.kind "filter"  -- a packet the script fails on is dropped, not kept
local layout = require "layout"
local memory = require "memory"

local args = arg or {}
local setpointer, get, fits = layout.setpointer, memory.get, layout.fits
-- UDP and TCP both start with the two ports: one 4-byte view serves both,
-- and needs no more of the header captured than tcpdump's filter does.
-- Both ports are one field, source in the high 16 bits: one read per
-- packet instead of two (a layout read is a metamethod call, ~350
-- instructions, a tenth of this script's per-packet cost)
local PORTS = layout.struct{ endian = "big",
  { key="ports", type="number", bytes=4 },
}
local ports = layout.newpointer(PORTS)
local IP4, IP6 = require "pktlua.layouts.ipv4", require "pktlua.layouts.ipv6"

local PROTO = { udp = 17, tcp = 6 }
local invert = args.invert == "1"

if args.expr then
  -- the general predicate: every number decoded, then keep() decides
  local keep, err = load("local v, proto, sport, dport, ttl, len = ...\nreturn "
                         .. args.expr, "=expr", "t", { math = math })
  if not keep then error("filter.lua: bad expr: " .. err, 0) end

  function packet(pkt, info)
    local l3, caplen = info.l3, info.caplen
    if not l3 then return invert end
    local v, ttl = info.ipversion, nil
    -- TTL: byte 9 of the IPv4 header, hop limit: byte 8 of the IPv6 one
    if v == 4 then
      if not fits(IP4, pkt, l3) then return invert end
      ttl = get(pkt, l3 + 8)
    elseif v == 6 then
      if not fits(IP6, pkt, l3) then return invert end
      ttl = get(pkt, l3 + 7)
    else
      return invert
    end
    local proto, l4, sport, dport = info.proto, info.l4, nil, nil
    if l4 and (proto == 17 or proto == 6) and fits(PORTS, pkt, l4) then
      setpointer(ports, pkt, l4)
      local both = ports.ports
      sport, dport = both >> 16, both & 0xffff
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

-- pkt is the same memory for every packet, so `ports` follows it from one
-- packet to the next: it is set again only when the transport header moves.
local at4

function packet(pkt, info)
  if info.proto ~= want then return invert end
  local l4 = info.l4
  -- the 4 bytes of PORTS (a comparison: layout.fits would cost ~400
  -- instructions here, an eighth of the script's per-packet total)
  if not l4 or info.caplen < l4 + 3 then return invert end
  if l4 ~= at4 then setpointer(ports, pkt, l4); at4 = l4 end
  local both = ports.ports
  if both >> 16 == port or both & 0xffff == port then return not invert end
  return invert
end
