-- nat.lua - static prefix NAT: rewrite IPv4 addresses by a prefix map
-- (10.1.0.0/16 -> 192.168.0.0/16 turns 10.1.7.20 into 192.168.7.20) and keep
-- every checksum valid.
--
--   pktlua -r captures/ipv4.pcap -w nat.pcap -f lua/examples/nat.lua \
--          -a map=10.1.0.0/16:192.168.0.0/16
--   pktlua -r in.pcap -w out.pcap -f nat.lua -a dir=src \
--          -a map=10.1.0.0/16:172.16.0.0/16,10.2.0.0/24:10.9.9.0/24
--
-- Arguments (-a NAME=VALUE):
--   map=FROM:TO[,FROM:TO...]  prefixes a.b.c.d/len, the same length on both
--                sides; the longest matching FROM wins. '=' may replace ':'.
--                Default: the environment variable PKTLUA_NAT, else
--                10.1.0.0/16:192.168.0.0/16.
--   dir=both|src|dst  which addresses are rewritten (default both: sources
--                of packets leaving the prefix and destinations of packets
--                coming back, like a 1:1 NAT or iptables' NETMAP; src is a
--                plain source rewrite)
--   quiet=1      no summary at the end
--
-- Checksums: the IPv4 header checksum through the layout (its field is
-- declared, so writing an address updates it), the TCP and UDP checksums
-- with checksum.update32 (RFC 1624) because their pseudo-header holds the
-- addresses. The incremental update is right where a recomputation is not
-- possible: in the first fragment of a fragmented datagram (the checksum
-- covers fragments not in this packet) and in truncated captures. A UDP
-- checksum of 0 ("none") stays 0; a wrong checksum stays exactly as wrong.
-- ICMP needs nothing: its checksum does not cover the IP addresses.
-- Not done: addresses inside ICMP error payloads, IPv6, ARP.
local layout = require "layout"
local ipv4 = require "pktlua.ipv4"

local args = arg or {}
local tointeger = math.tointeger

-- ---- the map ------------------------------------------------------------

local function prefix(s)
  local a, len = string.match(s, "^%s*([%d.]+)/(%d+)%s*$")
  local n = a and ipv4.parse(a)
  len = len and tointeger(tonumber(len))
  if not n or not len or len > 32 then
    error("nat.lua: bad prefix '" .. s .. "' (want a.b.c.d/len)", 0)
  end
  local mask = (0xffffffff << (32 - len)) & 0xffffffff
  return n & mask, mask, len
end

local spec = args.map or os.getenv("PKTLUA_NAT") or "10.1.0.0/16:192.168.0.0/16"
local rules = {}
for item in string.gmatch(spec, "[^,]+") do
  local from, to = string.match(item, "^([^:=]+)[:=]([^:=]+)$")
  if not from then
    error("nat.lua: bad map entry '" .. item .. "' (want FROM:TO)", 0)
  end
  local fnet, fmask, flen = prefix(from)
  local tnet, _, tlen = prefix(to)
  if flen ~= tlen then
    error("nat.lua: '" .. item .. "': prefixes of different lengths", 0)
  end
  rules[#rules + 1] = { net = fnet, mask = fmask, to = tnet, len = flen }
end
if #rules == 0 then error("nat.lua: empty map", 0) end
table.sort(rules, function(x, y) return x.len > y.len end)

-- flat arrays: the per-packet lookup touches no hash part
local nets, masks, tos, nrules = {}, {}, {}, #rules
for i, r in ipairs(rules) do nets[i], masks[i], tos[i] = r.net, r.mask, r.to end

-- the mapped address, or nil when no rule matches
local function map(a)
  for i = 1, nrules do
    local m = masks[i]
    if (a & m) == nets[i] then return tos[i] | (a & ~m & 0xffffffff) end
  end
  return nil
end

local dir = args.dir or "both"
if dir ~= "both" and dir ~= "src" and dir ~= "dst" then
  error("nat.lua: dir must be both, src or dst, got '" .. dir .. "'", 0)
end
local dosrc, dodst = dir ~= "dst", dir ~= "src"
local quiet = args.quiet == "1"

-- ---- pointers, made once ------------------------------------------------

local setpointer = layout.setpointer
local readdressl4 = ipv4.readdressl4
local ip = layout.newpointer(require "layouts.ipv4")
-- layouts.ipv4 splits the addresses into bytes; layouts.ipv4addrs, a view
-- of bytes 10..19 of the same header, reads and writes them as 32-bit
-- numbers and keeps the header checksum valid at each write
local addr = layout.newpointer(require "layouts.ipv4addrs")

local rewritten, l4fixed = 0, 0
-- where ip and addr point: pkt is the same memory for every packet, so
-- they follow it and are set again only when the IP header moves
local at3

function packet(pkt, info)
  local l3 = info.l3
  if info.ipversion ~= 4 or info.caplen < l3 + 19 then return true end
  if l3 ~= at3 then
    setpointer(ip, pkt, l3)
    setpointer(addr, pkt, l3 + 10)
    at3 = l3
  end
  local src, dst = addr.source, addr.destination
  local nsrc = dosrc and map(src)
  local ndst = dodst and map(dst)
  if not nsrc and not ndst then return true end
  if nsrc then addr.source = nsrc else nsrc = src end
  if ndst then addr.destination = ndst else ndst = dst end
  rewritten = rewritten + 1
  -- the transport checksum, when this packet holds it
  if readdressl4(pkt, info.caplen, ip, l3, src, nsrc, dst, ndst) then
    l4fixed = l4fixed + 1
  end
  return true
end

function finish()
  if quiet then return end
  io.stderr:write(string.format(
    "nat.lua: rewrote %d packets (%d TCP/UDP checksums updated)\n",
    rewritten, l4fixed))
end
