-- pktlua.readdress: rewrite a packet's addresses by a mapping and keep
-- every checksum valid. nat.lua and anonymize.lua share it.
--
--   local readdress = require "pktlua.readdress"
--   local rewrite = readdress.new{
--     map4 = function(n) ... end,   -- IPv4 as a 32-bit number -> number or nil
--     map6 = function(s) ... end,   -- IPv6 as a 16-byte string -> string or nil
--     src = true, dst = true,       -- which addresses (default both)
--   }
--   function packet(pkt, info) rewrite(pkt, info) return true end
--
-- nil from a map (or no map) leaves the address as it is. What is rewritten:
--   IPv4: source/destination; the header checksum (declared in the layout,
--     so each write updates it), the TCP/UDP checksum (its pseudo-header).
--   IPv6: source/destination; TCP, UDP and ICMPv6 checksums (pseudo-header).
--   ICMP / ICMPv6 errors (IPv4 types 3, 4, 5, 11, 12; ICMPv6 types 1-4)
--     quote the packet that caused them: the quoted header's addresses are
--     rewritten too, the sender's by the dst rule and the destination's by
--     the src rule (the quoted packet went the other way), with the quoted
--     header checksum, the quoted TCP/UDP/ICMPv6 checksum when captured,
--     and the ICMP checksum that covers all of it.
--   ARP and RARP for IPv4 over Ethernet (802.1Q/802.1ad tags), Linux
--     cooked v1/v2: sender (by the src rule) and target (by the dst rule)
--     addresses.
-- All checksum updates are incremental (RFC 1624): right in first
-- fragments and truncated captures, where a recomputation is not possible;
-- a wrong checksum stays exactly as wrong; a UDP checksum of 0 stays 0.
--
-- The transport header is the daemon's info.l4 / info.proto; in a quoted
-- IPv6 header, pktlua.ipv6.transport walks the extension headers.
-- The returned function gives what it did: "ip" (the outer addresses
-- moved), "arp", or false; and true as a second value when it rewrote a
-- quoted header.
local layout = require "layout"
local checksum = require "checksum"
local memory = require "memory"
local ipv4 = require "pktlua.ipv4"
local ipv6 = require "pktlua.ipv6"

local M = {}

local get, inet, update16 = memory.get, checksum.inet, checksum.update16
local newpointer, setpointer, fits = layout.newpointer, layout.setpointer, layout.fits
local readdressl4, readdressl4at = ipv4.readdressl4, ipv4.readdressl4at
local transport6 = ipv6.transport

local S4 = require "pktlua.layouts.ipv4"
local S4ADDRS = require "pktlua.layouts.ipv4addrs"
local S6 = require "pktlua.layouts.ipv6"
local SARP = require "pktlua.layouts.arp"
local U16 = layout.struct{ endian = "big", { key="value", type="number", bytes=2 } }
local U32 = layout.struct{ endian = "big", { key="value", type="number", bytes=4 } }

-- the one's-complement sum of a string or of bytes i..j of a memory
local function sum(m, i, j) return 0xffff ~ inet(m, i, j) end

-- IPv4 ICMP error types: unreachable, source quench, redirect, time
-- exceeded, parameter problem
local ICMP4ERR = { [3] = true, [4] = true, [5] = true, [11] = true, [12] = true }

function M.new(opts)
  local map4, map6 = opts.map4, opts.map6
  local dosrc, dodst = opts.src ~= false, opts.dst ~= false
  local a4 = newpointer(S4ADDRS)
  local in4, ina4 = newpointer(S4), newpointer(S4ADDRS)
  local ip6, in6 = newpointer(S6), newpointer(S6)
  local arp = newpointer(SARP)
  local word, spa, tpa = newpointer(U16), newpointer(U32), newpointer(U32)

  -- a 32-bit IPv4 address by rule `on`
  local function m4(a, on)
    if not on then return a end
    return map4(a) or a
  end
  local function m6(a, on)
    if not on then return a end
    return map6(a) or a
  end

  -- the IPv4 header quoted at e in an ICMP error; true when rewritten
  local function quoted4(pkt, caplen, e)
    if not fits(in4, pkt, e) then return false end
    setpointer(in4, pkt, e)
    if in4.version ~= 4 then return false end
    setpointer(ina4, pkt, e + 10)
    local src, dst = ina4.source, ina4.destination
    local nsrc, ndst = m4(src, dodst), m4(dst, dosrc)
    if nsrc == src and ndst == dst then return false end
    if nsrc ~= src then ina4.source = nsrc end
    if ndst ~= dst then ina4.destination = ndst end
    readdressl4(pkt, caplen, in4, e, src, nsrc, dst, ndst)
    return true
  end

  -- the IPv6 header quoted at e in an ICMPv6 error; true when rewritten
  local function quoted6(pkt, caplen, e)
    if not fits(in6, pkt, e) then return false end
    setpointer(in6, pkt, e)
    if in6.version ~= 6 then return false end
    local src, dst = in6.source, in6.destination
    local nsrc, ndst = m6(src, dodst), m6(dst, dosrc)
    if nsrc == src and ndst == dst then return false end
    if nsrc ~= src then in6.source = nsrc end
    if ndst ~= dst then in6.destination = ndst end
    local proto, l4 = transport6(pkt, e, caplen)
    local at = l4 and (proto == 6 and l4 + 16 or proto == 17 and l4 + 6
                       or proto == 58 and l4 + 2)
    if at and at + 1 <= caplen then
      setpointer(word, pkt, at)
      local ck = word.value
      if ck ~= 0 or proto ~= 17 then
        ck = update16(update16(ck, sum(src), sum(nsrc)), sum(dst), sum(ndst))
        if ck == 0 and proto == 17 then ck = 0xffff end
        word.value = ck
      end
    end
    return true
  end

  -- where a4 points: pkt is the same memory for every packet, so it
  -- follows it and is set again only when the IP header moves
  local at4
  local function v4(pkt, caplen, l3, info)
    if caplen < l3 + 19 then return false end
    if l3 ~= at4 then setpointer(a4, pkt, l3 + 10); at4 = l3 end
    local src, dst = a4.source, a4.destination
    local nsrc = dosrc and map4(src) or src
    local ndst = dodst and map4(dst) or dst
    local proto = info.proto
    local moved = nsrc ~= src or ndst ~= dst
    if moved then
      if nsrc ~= src then a4.source = nsrc end
      if ndst ~= dst then a4.destination = ndst end
      if proto == 6 or proto == 17 then
        readdressl4at(pkt, caplen, proto, info.l4, src, nsrc, dst, ndst)
      end
    end
    -- an ICMP error quoting a header (l4 nil: a later fragment)
    if proto ~= 1 then return moved and "ip" end
    local l4 = info.l4
    if not l4 or l4 + 8 > caplen or not ICMP4ERR[get(pkt, l4)] then return moved and "ip" end
    local e = l4 + 8
    local before = sum(pkt, e, caplen)
    if not quoted4(pkt, caplen, e) then return moved and "ip" end
    setpointer(word, pkt, l4 + 2)
    word.value = update16(word.value, before, sum(pkt, e, caplen))
    return moved and "ip", true
  end

  local function v6(pkt, caplen, l3, proto, l4)
    if not fits(ip6, pkt, l3) then return false end
    setpointer(ip6, pkt, l3)
    local src, dst = ip6.source, ip6.destination
    local nsrc, ndst = m6(src, dosrc), m6(dst, dodst)
    local moved = nsrc ~= src or ndst ~= dst
    if moved then
      if nsrc ~= src then ip6.source = nsrc end
      if ndst ~= dst then ip6.destination = ndst end
    end
    local at = l4 and (proto == 6 and l4 + 16 or proto == 17 and l4 + 6
                       or proto == 58 and l4 + 2)
    if not at or at + 1 > caplen then return moved and "ip" end
    setpointer(word, pkt, at)
    local ck = word.value
    if ck == 0 and proto == 17 then return moved and "ip" end
    if moved then
      ck = update16(update16(ck, sum(src), sum(nsrc)), sum(dst), sum(ndst))
    end
    local embedded = false
    local t = proto == 58 and l4 + 8 <= caplen and get(pkt, l4)
    if t and t >= 1 and t <= 4 then
      local e = l4 + 8
      local before = sum(pkt, e, caplen)
      if quoted6(pkt, caplen, e) then
        ck = update16(ck, before, sum(pkt, e, caplen))
        embedded = true
      end
      setpointer(word, pkt, at)  -- quoted6 moved it
    end
    if not moved and not embedded then return false end
    if ck == 0 and proto == 17 then ck = 0xffff end
    word.value = ck
    return moved and "ip", embedded
  end

  -- ARP (IPv4 over Ethernet) at `at`
  local function doarp(pkt, at)
    if not fits(arp, pkt, at) then return false end
    setpointer(arp, pkt, at)
    if arp.ptype ~= 0x0800 or arp.hlen ~= 6 or arp.plen ~= 4 then return false end
    setpointer(spa, pkt, at + 14)
    setpointer(tpa, pkt, at + 24)
    local s, d = spa.value, tpa.value
    local ns, nd = m4(s, dosrc), m4(d, dodst)
    if ns == s and nd == d then return false end
    spa.value, tpa.value = ns, nd
    return "arp"
  end

  local function nonip(pkt, caplen, linktype)
    local at, et
    if linktype == 1 then  -- Ethernet, with any 802.1Q / 802.1ad tags
      at = 13
      if caplen < at + 1 then return false end
      et = get(pkt, at) << 8 | get(pkt, at + 1)
      while (et == 0x8100 or et == 0x88a8) and caplen >= at + 5 do
        at = at + 4
        et = get(pkt, at) << 8 | get(pkt, at + 1)
      end
      at = at + 2
    elseif linktype == 113 then  -- Linux cooked v1
      if caplen < 16 then return false end
      et, at = get(pkt, 15) << 8 | get(pkt, 16), 17
    elseif linktype == 276 then  -- Linux cooked v2
      if caplen < 20 then return false end
      et, at = get(pkt, 1) << 8 | get(pkt, 2), 21
    else
      return false
    end
    if et ~= 0x0806 and et ~= 0x8035 then return false end  -- ARP, RARP
    return doarp(pkt, at)
  end

  return function(pkt, info)
    local l3, caplen = info.l3, info.caplen
    if not l3 then
      if not map4 then return false end
      return nonip(pkt, caplen, info.linktype)
    end
    local v = info.ipversion
    if v == 4 then
      if not map4 then return false end
      return v4(pkt, caplen, l3, info)
    elseif v == 6 and map6 then
      return v6(pkt, caplen, l3, info.proto, info.l4)
    end
    return false
  end
end

return M
