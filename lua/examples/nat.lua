-- nat.lua - static prefix NAT: rewrite IPv4 and IPv6 addresses by prefix
-- maps (10.1.0.0/16 -> 192.168.0.0/16 turns 10.1.7.20 into 192.168.7.20;
-- 2001:db8:1::/48 -> 2001:db8:2::/48 turns 2001:db8:1::10 into
-- 2001:db8:2::10) and keep every checksum valid.
--
--   pktlua -r captures/ipv4.pcap -w nat.pcap -f lua/examples/nat.lua \
--          -a map=10.1.0.0/16:192.168.0.0/16
--   pktlua -r in.pcap -w out.pcap -f nat.lua -a dir=src \
--          -a map=10.1.0.0/16:172.16.0.0/16,10.2.0.0/24:10.9.9.0/24 \
--          -a map6=2001:db8:1::/48=2001:db8:2::/48
--
-- Arguments (-a NAME=VALUE):
--   map=FROM:TO[,FROM:TO...]  IPv4 prefixes a.b.c.d/len, the same length on
--                both sides; the longest matching FROM wins. '=' may replace
--                ':'. Default: the environment variable PKTLUA_NAT, else
--                10.1.0.0/16:192.168.0.0/16. map= (empty) maps no IPv4.
--   map6=FROM=TO[,FROM=TO...]  IPv6 prefixes x:y::/len (0..128), the same
--                length on both sides, '=' between them; the longest wins.
--                Default: none.
--   dir=both|src|dst  which addresses are rewritten (default both: sources
--                of packets leaving the prefix and destinations of packets
--                coming back, like a 1:1 NAT or iptables' NETMAP; src is a
--                plain source rewrite)
--   quiet=1      no summary at the end (one line, whatever --workers says:
--                each worker's finish() returns its counters, merge() adds
--                them up)
--
-- What is rewritten (pktlua.readdress does it): the IPv4 and IPv6
-- addresses; the sender and target addresses of ARP for IPv4 (sender by
-- the src rule, target by the dst rule); the header that ICMP and ICMPv6
-- errors quote (its source by the dst rule, its destination by the src
-- rule: it went the other way), so a traceroute or an unreachable still
-- names the mapped hosts.
-- Checksums, all updated incrementally (RFC 1624): the IPv4 header
-- checksum through the layout (its field is declared, so writing an
-- address updates it), the TCP, UDP and ICMPv6 checksums because their
-- pseudo-header holds the addresses, the quoted header's checksums and the
-- ICMP checksum that covers the quote. Incremental is right where a
-- recomputation is not possible: in the first fragment of a fragmented
-- datagram and in truncated captures. A UDP checksum of 0 stays 0; a wrong
-- checksum stays exactly as wrong.
local ipv4 = require "pktlua.ipv4"
local ipv6 = require "pktlua.ipv6"
local readdress = require "pktlua.readdress"

local args = arg or {}
local tointeger = math.tointeger
local pack, unpack = string.pack, string.unpack

-- ADDRESS/LEN of the given characters, parsed: the address, the length
local function cidr(s, chars, parse, maxlen, want)
  local a, len = string.match(s, "^%s*([" .. chars .. "]+)/(%d+)%s*$")
  local v = a and parse(a)
  len = len and tointeger(tonumber(len))
  if not v or not len or len > maxlen then
    error("nat.lua: bad prefix '" .. s .. "' (want " .. want .. ")", 0)
  end
  return v, len
end

-- ---- the IPv4 map -------------------------------------------------------

local function prefix(s)
  local n, len = cidr(s, "%d.", ipv4.parse, 32, "a.b.c.d/len")
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

-- ---- the IPv6 map: addresses as two 64-bit halves -----------------------

-- the mask of the top k bits (0..64) of a 64-bit integer
local function top(k) return ~(-1 >> k) end

local function prefix6(s)
  local bytes, len = cidr(s, "%x:", ipv6.parse, 128, "x:y::/len")
  local hi, lo = unpack(">i8i8", bytes)
  local mhi, mlo = top(math.min(len, 64)), top(math.max(len - 64, 0))
  return hi & mhi, lo & mlo, mhi, mlo, len
end

local rules6 = {}
for item in string.gmatch(args.map6 or "", "[^,]+") do
  local from, to = string.match(item, "^([^=]+)=([^=]+)$")
  if not from then
    error("nat.lua: bad map6 entry '" .. item .. "' (want FROM=TO)", 0)
  end
  local fhi, flo, mhi, mlo, flen = prefix6(from)
  local thi, tlo, _, _, tlen = prefix6(to)
  if flen ~= tlen then
    error("nat.lua: '" .. item .. "': prefixes of different lengths", 0)
  end
  rules6[#rules6 + 1] = { fhi, flo, mhi, mlo, thi, tlo, len = flen }
end
table.sort(rules6, function(x, y) return x.len > y.len end)
local nrules6 = #rules6

local function map6(s)
  local hi, lo = unpack(">i8i8", s)
  for i = 1, nrules6 do
    local r = rules6[i]
    local mhi, mlo = r[3], r[4]
    if hi & mhi == r[1] and lo & mlo == r[2] then
      return pack(">i8i8", r[5] | hi & ~mhi, r[6] | lo & ~mlo)
    end
  end
  return nil
end

if nrules == 0 and nrules6 == 0 then error("nat.lua: empty map", 0) end

local dir = args.dir or "both"
if dir ~= "both" and dir ~= "src" and dir ~= "dst" then
  error("nat.lua: dir must be both, src or dst, got '" .. dir .. "'", 0)
end
local quiet = args.quiet == "1"

local rewrite = readdress.new{
  map4 = nrules > 0 and map or nil,
  map6 = nrules6 > 0 and map6 or nil,
  src = dir ~= "dst", dst = dir ~= "src",
}

local rewritten, arps, quoted = 0, 0, 0

function packet(pkt, info)
  local what, inner = rewrite(pkt, info)
  if what == "ip" then rewritten = rewritten + 1
  elseif what == "arp" then arps = arps + 1 end
  if inner then quoted = quoted + 1 end
  return true
end

-- the counters, from each worker's state to merge's
function finish()
  return { rewritten = rewritten, arps = arps, quoted = quoted }
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- counters; merge runs in a fresh state, whose counters are all 0
function merge(results)
  for w = 1, results.n do
    local r = results[w]
    if r then
      rewritten, arps, quoted = rewritten + r.rewritten, arps + r.arps,
                                quoted + r.quoted
    end
  end
  if quiet then return end
  io.stderr:write(string.format(
    "nat.lua: rewrote %d packets, %d ARP, %d quoted ICMP headers\n",
    rewritten, arps, quoted))
end
