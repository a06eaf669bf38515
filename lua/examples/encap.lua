-- encap.lua - each packet wrapped in a tunnel toward an endpoint: VXLAN
-- or GRE with the whole Ethernet frame inside, or GRE or IP in IP with its
-- IP packet inside, over IPv4 or IPv6, every length and checksum valid.
-- decap.lua -a levels=1 gives the packets back, byte for byte.
--
--   pktlua -r in.pcap -w vxlan.pcap -f lua/examples/encap.lua \
--          -a local=192.0.2.1 -a remote=192.0.2.2 -a vni=42
--   pktlua -r in.pcap -w gre.pcap -f encap.lua -a mode=gre -a key=7 \
--          -a local=2001:db8::1 -a remote=2001:db8::2
--
-- Arguments (-a NAME=VALUE):
--   mode=M      vxlan (default: the frame in UDP to port 4789), gretap
--               (the frame in GRE, type 0x6558), gre (the IP packet in
--               GRE, type 0x0800 or 0x86dd), ipip (the IP packet in IP,
--               protocol 4 or 41)
--   local=A, remote=A   the tunnel's ends, both IPv4 or both IPv6
--               (default 192.0.2.1, 192.0.2.2)
--   vni=N       VXLAN's network identifier, 0..16777215 (default 1)
--   key=N       a GRE key, 0..4294967295 (default: none)
--   port=N      VXLAN's UDP destination port (default 4789)
--   ttl=N       the outer TTL / hop limit (default 64)
--   smac=MAC, dmac=MAC  the outer Ethernet addresses (default: the
--               frame's own: vxlan and gretap copy them, gre and ipip keep
--               the frame's header)
--   udpsum=0    VXLAN over IPv4 without a UDP checksum (RFC 7348 allows
--               it); by default it is computed
--   quiet=1     no line at the end saying how many packets passed
--               unchanged (one line, whatever --workers says: each
--               worker's finish() returns its count, merge() adds them up)
--
-- vxlan and gretap put a new Ethernet, IP and tunnel header in front of
-- the frame; gre and ipip put the IP and GRE headers between the link
-- layer (Ethernet with any VLAN tags, SLL, SLL2, raw IP) and the IP
-- packet, and set the link layer's type to the outer IP's. The packet's
-- own bytes do not change (bad checksums stay bad); in gre and ipip mode
-- what followed its IP packet (Ethernet padding) stays after the outer
-- one. The VXLAN source port is 49152 + the frame's flow hash mod 16384
-- (RFC 7348: one flow, one port). Lengths count the bytes on the wire; a
-- record captured short gets a UDP checksum of 0 (none; RFC 6935 allows
-- it over IPv6 too). What a mode cannot wrap passes unchanged: vxlan and
-- gretap take Ethernet frames only, gre and ipip IP packets behind the
-- link layers above (LINKTYPE_IPV4 and _IPV6 links only an outer header
-- of their version). The outer IPv4 header's identification counts the
-- packets wrapped: with --workers N each worker counts its own, so over
-- IPv4 the output is not one worker's byte for byte (over IPv6 it is).
local pktlua = require "pktlua"
local checksum = require "checksum"
local ipv4 = require "pktlua.ipv4"
local ipv6 = require "pktlua.ipv6"
local link = require "pktlua.link"

local args = arg or {}
local mode = args.mode or "vxlan"
if mode ~= "vxlan" and mode ~= "gretap" and mode ~= "gre" and mode ~= "ipip" then
  error("encap.lua: -a mode=" .. mode .. ": vxlan, gretap, gre or ipip", 0)
end

local function bad (name, want) error(("encap.lua: -a %s=%s: %s"):format(name, args[name], want), 0) end
local function number (name, default, max)
  local v = args[name]
  if v == nil then return default end
  local n = math.tointeger(tonumber(v))
  if n == nil or n < 0 or n > max then bad(name, "not an integer in 0.." .. max) end
  return n
end
-- an address argument: its bytes as a string, and whether IPv6
local function address (name, default)
  local v = args[name] or default
  local n = ipv4.parse(v)
  if n then return string.pack(">I4", n), false end
  local s = ipv6.parse(v)
  if not s then args[name] = v; bad(name, "not an IPv4 or IPv6 address") end
  return s, true
end
local function mac (name)
  local v = args[name]
  if v == nil then return nil end
  local b = {v:match("^(%x%x):(%x%x):(%x%x):(%x%x):(%x%x):(%x%x)$")}
  if #b ~= 6 then bad(name, "not a MAC (aa:bb:cc:dd:ee:ff)") end
  for i = 1, 6 do b[i] = tonumber(b[i], 16) end
  return b
end

local src, v6 = address("local", "192.0.2.1")
local dst, v6dst = address("remote", "192.0.2.2")
if v6 ~= v6dst then error("encap.lua: local= and remote= are not of one IP version", 0) end
local vni, key = number("vni", 1, 0xffffff), number("key", nil, 0xffffffff)
local port, ttl = number("port", 4789, 0xffff), number("ttl", 64, 255)
local smac, dmac = mac("smac"), mac("dmac")
local udpsum = args.udpsum ~= "0" or v6

-- the headers, made once: [Ethernet] outer IP, [UDP] tunnel header; the
-- fields that change per packet (lengths, checksums, ID, port) zero
local pack = string.pack
local frame = mode == "vxlan" or mode == "gretap"
local tunnel, proto
if mode == "vxlan" then
  tunnel, proto = pack(">I2I2I2I2", 0, port, 0, udpsum and 0xffff or 0)
                  .. pack(">I4I4", 0x08000000, vni << 8), 17
elseif mode == "ipip" then
  tunnel, proto = "", nil  -- 4 or 41, by the inner version
else
  tunnel = pack(">I2I2", key and 0x2000 or 0, frame and 0x6558 or 0)
           .. (key and pack(">I4", key) or "")
  proto = 47
end
local iphl = v6 and 40 or 20
local ip = v6 and pack(">I4I2BB", 0x60000000, 0, proto or 0, ttl) .. src .. dst
              or pack(">BBI2I2I2BBI2", 0x45, 0, 0, 0, 0, ttl, proto or 0, 0) .. src .. dst
local hdr = (frame and string.rep("\0", 14) or "") .. ip .. tunnel
local hlen = #hdr
local etype = v6 and 0x86dd or 0x0800

local insert, fixipv4, fixl4 = pktlua.insert, checksum.fixipv4, checksum.fixl4
local typeat, holds = link.typeat, link.holds
local id, unchanged = 0, 0

local function get16 (pkt, i) return pkt:get(i) << 8 | pkt:get(i + 1) end

function packet (pkt, info)
  local at, l3, n, inner6  -- where the headers go, the outer IP header,
                           -- the bytes after them it carries
  if frame then
    if info.linktype ~= 1 or #pkt < 14 then unchanged = unchanged + 1; return end
    at, l3, n = 1, 15, info.len
  else
    local lt = info.linktype
    l3 = info.l3
    local t = l3 and typeat(pkt, lt, l3)
    if not t or not holds(lt, etype) or l3 + 19 > #pkt then
      unchanged = unchanged + 1
      return
    end
    inner6 = pkt:get(l3) >> 4 == 6
    -- the IP packet's own length (not the padding after it), else the rest
    n = inner6 and 40 + get16(pkt, l3 + 4) or get16(pkt, l3 + 2)
    local rest = info.len - l3 + 1
    if n < 20 or n > rest then n = rest end
    if t > 0 then pkt:set(t, etype >> 8, etype & 255) end
    at = l3
  end
  local sport = mode == "vxlan" and 49152 + (info.flow or 0) % 16384
  insert(pkt, at, hlen, hdr)
  if frame then  -- the outer MACs: given, or the frame's own
    if dmac then pkt:set(1, dmac[1], dmac[2], dmac[3], dmac[4], dmac[5], dmac[6])
    else pkt:set(1, pkt:get(hlen + 1, hlen + 6)) end
    if smac then pkt:set(7, smac[1], smac[2], smac[3], smac[4], smac[5], smac[6])
    else pkt:set(7, pkt:get(hlen + 7, hlen + 12)) end
    pkt:set(13, etype >> 8, etype & 255)
  elseif mode == "ipip" then
    pkt:set(l3 + (v6 and 6 or 9), inner6 and 41 or 4)
  elseif mode == "gre" then
    pkt:set(l3 + iphl + 2, inner6 and 0x86 or 0x08, inner6 and 0xdd or 0)
  end
  local total = hlen - (frame and 14 or 0) + n  -- the outer IP packet
  if v6 then
    pkt:set(l3 + 4, (total - 40) >> 8, (total - 40) & 255)
  else
    id = (id + 1) & 0xffff
    pkt:set(l3 + 2, total >> 8, total & 255, id >> 8, id & 255)
    fixipv4(pkt, l3)
  end
  if sport then
    local u, ulen = l3 + iphl, total - iphl
    pkt:set(u, sport >> 8, sport & 255)
    pkt:set(u + 4, ulen >> 8, ulen & 255)
    if udpsum and not fixl4(pkt, l3) then pkt:set(u + 6, 0, 0) end
  end
end

-- the count, from each worker's state to merge's
function finish ()
  return { unchanged = unchanged }
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- count; merge runs in a fresh state, whose count is 0
function merge (results)
  for w = 1, results.n do
    local r = results[w]
    if r then unchanged = unchanged + r.unchanged end
  end
  if unchanged > 0 and args.quiet ~= "1" then
    io.stderr:write(("encap.lua: %d packets passed unchanged (%s)\n")
      :format(unchanged, frame and "not Ethernet" or "no IP behind a known link layer"))
  end
end
