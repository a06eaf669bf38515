-- anonymize.lua - prefix-preserving anonymisation of IPv4, IPv6 and ARP
-- addresses, checksums kept valid.
--
--   pktlua -r captures/ipv4.pcap -w anon.pcap -f lua/examples/anonymize.lua \
--          -a key=my-secret
--
-- Arguments (-a NAME=VALUE):
--   key=TEXT   the secret; the same key gives the same mapping in every run
--              and file (default "pktlua": fine for tests, not for privacy)
--   quiet=1    no summary at the end
--
-- The summary is one line, whatever --workers says (each worker's finish()
-- returns its counts, merge() adds them up): the IP and ARP packets
-- rewritten, the ICMP errors whose quoted header was too, and the distinct
-- addresses anonymised, counted while there are at most 65536 of each IP
-- version (what the caches below hold; past it the line says "over
-- 65536").
--
-- The scheme is the idea of Crypto-PAn (Xu, Fan, Ammar, Moon 2002): bit i of
-- the output is bit i of the input flipped by a keyed pseudo-random function
-- of the first i input bits. So two addresses that share exactly their first
-- k bits map to two addresses that share exactly their first k bits: subnets
-- stay subnets, and the mapping is one-to-one. Crypto-PAn uses AES as the
-- function; here it is a keyed 64-bit mixing hash written in Lua (rounds of
-- MurmurHash3's finaliser around the key). That keeps the structure of the
-- data but is NOT cryptographically strong: the mixer is invertible and
-- unkeyed between rounds, nobody has analysed it as a PRF, and a known
-- plaintext address reveals the function's bits along its prefix. For
-- publishing captures, use a real Crypto-PAn with AES.
--
-- Rewritten (pktlua.readdress, as nat.lua): source and destination of
-- IPv4 and IPv6 packets, ARP sender and target addresses, and the header
-- that ICMP and ICMPv6 errors quote, by the same mapping; the IPv4 header
-- checksum, TCP, UDP and ICMPv6 checksums (pseudo-header), the quoted
-- header's and the ICMP checksum over the quote, all updated incrementally
-- (RFC 1624). Not anonymised: MAC addresses, application payloads (DNS
-- answers), IP behind MPLS or tunnels.
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

-- ---- IPv6: the same over 128 bits, as two 64-bit halves ---------------

local pack, unpack = string.pack, string.unpack
-- IPv6 bits come from another function than IPv4's (k3 instead of k1)
local k3 = fmix(k1 ~ 0x6a09e667f3bcc908)

-- one pseudo-random bit for the first n bits (0 <= n < 128), given as hi
-- (the first min(n, 64), right-aligned) and lo (the next n - 64)
local function prfbit6(n, hi, lo)
  return fmix(fmix(fmix(k3 ~ n) ~ hi) ~ lo ~ k2) & 1
end

-- output bits first..last (0..63) of the 64-bit half x; hi is the upper
-- half when x is the lower one (nil: x is the upper half)
local function bits6(x, first, last, hi)
  local out, base = 0, hi and 64 or 0
  for i = first, last do
    local p = i == 0 and 0 or x >> (64 - i)
    local bit = (x >> (63 - i)) & 1
    local f = hi and prfbit6(base + i, hi, p) or prfbit6(i, p, 0)
    out = out | ((bit ~ f) << (63 - i))
  end
  return out
end

-- caches: output bits 0..47 per /48, 0..63 per /64, whole addresses; each
-- bounded, a full one starts over
local by48, by64, by128 = {}, {}, {}
local n48, n64, n128 = 0, 0, 0

local function lookup6(s)
  local r = by128[s]
  if r then return r end
  local hi, lo = unpack(">i8i8", s)
  local ohi = by64[hi]
  if not ohi then
    local p48 = hi >> 16
    local o48 = by48[p48]
    if not o48 then
      o48 = bits6(hi, 0, 47)
      if n48 >= CACHEMAX then by48, n48 = {}, 0 end
      by48[p48], n48 = o48, n48 + 1
    end
    ohi = o48 | bits6(hi, 48, 63)
    if n64 >= CACHEMAX then by64, n64 = {}, 0 end
    by64[hi], n64 = ohi, n64 + 1
  end
  r = pack(">i8i8", ohi, bits6(lo, 0, 63, hi))
  if n128 >= CACHEMAX then by128, n128 = {}, 0 end
  by128[s], n128 = r, n128 + 1
  computed = computed + 1
  return r
end

local rewrite = require("pktlua.readdress").new{ map4 = lookup, map6 = lookup6 }

local done, arps, quoted = 0, 0, 0

function packet(pkt, info)
  local what, inner = rewrite(pkt, info)
  if what == "ip" then done = done + 1
  elseif what == "arp" then arps = arps + 1 end
  if inner then quoted = quoted + 1 end
  return true
end

-- the counts and the addresses met, from each worker's state to merge's;
-- over: more addresses of a version than its cache holds were met (it
-- started over)
function finish()
  local over = computed > n32 + n128
  return { done = done, arps = arps, quoted = quoted, over = over,
           addrs4 = over and {} or by32, addrs6 = over and {} or by128 }
end

-- the addresses of set not yet in seen, added to it; how many
local function union(seen, set)
  local n = 0
  for a in pairs(set) do
    if not seen[a] then seen[a], n = true, n + 1 end
  end
  return n
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- counts; merge runs in a fresh state, whose counts are all 0. Workers may
-- meet the same address (a host in flows of two workers): the addresses
-- are counted once, as one worker counts them, up to what a cache holds.
function merge(results)
  local over, seen4, seen6, v4, v6 = false, {}, {}, 0, 0
  for w = 1, results.n do
    local r = results[w]
    if r then
      done, arps, quoted = done + r.done, arps + r.arps, quoted + r.quoted
      over = over or r.over
      v4, v6 = v4 + union(seen4, r.addrs4), v6 + union(seen6, r.addrs6)
    end
  end
  if quiet then return end
  local addrs = (over or v4 > CACHEMAX or v6 > CACHEMAX)
                and "over " .. CACHEMAX or tostring(v4 + v6)
  io.stderr:write(string.format(
    "anonymize.lua: %d IP packets, %d ARP, %d quoted ICMP headers, %s addresses anonymised\n",
    done, arps, quoted, addrs))
end
