-- anonymize.lua - prefix-preserving IPv4 address anonymisation, checksums
-- kept valid.
--
--   pktlua -r captures/ipv4.pcap -w anon.pcap -f lua/examples/anonymize.lua \
--          -a key=my-secret
--
-- Arguments (-a NAME=VALUE):
--   key=TEXT   the secret; the same key gives the same mapping in every run
--              and file (default "pktlua": fine for tests, not for privacy)
--   quiet=1    no summary at the end
--
-- The scheme is the one of Crypto-PAn (Xu, Fan, Ammar, Moon 2002): bit i of
-- the output is bit i of the input flipped by a keyed pseudo-random function
-- of the first i input bits. So two addresses that share exactly their first
-- k bits map to two addresses that share exactly their first k bits: subnets
-- stay subnets, and the mapping is one-to-one. Crypto-PAn uses AES as the
-- function; here it is a keyed 64-bit mixing hash written in Lua (two rounds
-- of MurmurHash3's finaliser around the key). That keeps the structure of
-- the data but is NOT a cryptographic guarantee: for publishing captures,
-- use a real Crypto-PAn with AES.
--
-- Source and destination of every IPv4 packet are rewritten. The IPv4 header
-- checksum is kept valid by the layout, TCP and UDP checksums are updated
-- incrementally (RFC 1624; see nat.lua for why). Not anonymised: IPv6,
-- ARP, addresses inside ICMP errors or application payloads (DNS answers).
local layout = require "layout"
local ipv4 = require "pktlua.ipv4"

local args = arg or {}
local quiet = args.quiet == "1"

-- ---- the keyed function -------------------------------------------------

-- MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
-- Lua integers (and hexadecimal literals) wrap around, >> is a logical shift.
local function fmix(h)
  h = h ~ (h >> 33)
  h = h * 0xff51afd7ed558ccd
  h = h ~ (h >> 33)
  h = h * 0xc4ceb9fe1a85ec53
  return h ~ (h >> 33)
end

-- the two 64-bit halves of the key, from the key text
local key = args.key or "pktlua"
local k1, k2 = 0x243f6a8885a308d3, 0x13198a2e03707344
for i = 1, #key do
  local c = string.byte(key, i)
  k1 = fmix(k1 ~ c)
  k2 = fmix(k2 ~ (c << 8) ~ i)
end

-- one pseudo-random bit for the first n bits of address a (0 <= n < 32);
-- n is part of the input, so prefixes of different lengths never collide
local function prfbit(a, n)
  local prefix = n == 0 and 0 or a >> (32 - n)
  return fmix(fmix(k1 ~ (n << 32) ~ prefix) ~ k2) & 1
end

-- output bits first..last (0 = the most significant) of address a
local function bits(a, first, last)
  local out = 0
  for i = first, last do
    local bit = (a >> (31 - i)) & 1
    out = out | ((bit ~ prfbit(a, i)) << (31 - i))
  end
  return out
end

-- Output bits 0..15 depend on input bits 0..15 only, and bits 16..23 on
-- bits 0..23: remember them per /16 and per /24, so a new address in a
-- known /24 costs 8 rounds instead of 32. Whole addresses are remembered
-- too. The caches are bounded; a full one starts over.
local CACHEMAX = 1 << 16
local by16, by24, by32 = {}, {}, {}
local n24, n32, computed = 0, 0, 0

local function lookup(a)
  local r = by32[a]
  if r then return r end
  local p16, p24 = a >> 16, a >> 8
  local hi = by16[p16]           -- at most 65536 entries: never cleared
  if not hi then hi = bits(a, 0, 15); by16[p16] = hi end
  local mid = by24[p24]
  if not mid then
    mid = bits(a, 16, 23)
    if n24 >= CACHEMAX then by24, n24 = {}, 0 end
    by24[p24], n24 = mid, n24 + 1
  end
  r = hi | mid | bits(a, 24, 31)
  if n32 >= CACHEMAX then by32, n32 = {}, 0 end
  by32[a], n32 = r, n32 + 1
  computed = computed + 1
  return r
end

-- ---- pointers, made once ------------------------------------------------

local setpointer = layout.setpointer
local ip = layout.newpointer(require "layouts.ipv4")
-- bytes 10..19 of the IPv4 header: header checksum and the two addresses as
-- 32-bit numbers; writes keep the declared header checksum valid
local addr = layout.newpointer(require "layouts.ipv4addrs")

local done = 0

function packet(pkt, info)
  local l3 = info.l3
  if info.ipversion ~= 4 or info.caplen < l3 + 19 then return true end
  setpointer(ip, pkt, l3)
  setpointer(addr, pkt, l3 + 10)
  local src, dst = addr.source, addr.destination
  local nsrc, ndst = lookup(src), lookup(dst)
  addr.source, addr.destination = nsrc, ndst
  done = done + 1
  ipv4.readdressl4(pkt, info.caplen, ip, l3, src, nsrc, dst, ndst)
  return true
end

function finish()
  if quiet then return end
  io.stderr:write(string.format(
    "anonymize.lua: %d IPv4 packets, %d addresses anonymised\n",
    done, computed))
end
