-- tunnel.lua - rewrite the TTL / hop limit of the packet a tunnel carries
-- (IP in IP, GRE, VXLAN, Geneve, GTP-U; tunnels in tunnels: the innermost
-- packet), leaving the outer headers' TTL alone, every checksum valid.
--
--   pktlua -r in.pcap -w out.pcap -f lua/examples/tunnel.lua
--   pktlua -r in.pcap -w out.pcap -f tunnel.lua -a ttl=32
--
-- Arguments (-a NAME=VALUE):
--   ttl=N      set the inner TTL / hop limit to N (0..255) instead of
--              decrementing it (a decrement drops the packet when it
--              reaches 0, as a router would)
--   quiet=1    no summary at the end (one line, whatever --workers says:
--              each worker's finish() returns its counts, merge() adds
--              them up)
--
-- pktlua.inner(pkt, at) (the preloaded `pktlua` module) finds the packet
-- inside the one whose IP header is at `at` (info: its l3), and returns
-- its l3, l4, protocol and the tunnel's name; nil when the packet is no
-- tunnel. Packets without a tunnel pass untouched, and pay one call.
--
-- Checksums: the inner IPv4 header checksum is the layout's (layouts.ipv4
-- declares it: the TTL write updates it, RFC 1624). That update leaves the
-- one's complement sum of the inner header as it was, so the checksums
-- that cover the inner packet as payload (the outer UDP checksum of
-- VXLAN, Geneve, GTP-U, a GRE checksum) stay valid by themselves. IPv6 has
-- no header checksum: for a hop limit those outer checksums are updated
-- with checksum.update16 (a UDP checksum 0, "none", over IPv4, stays 0).
local layout = require "layout"
local checksum = require "checksum"
local pktlua = require "pktlua"

local args = arg or {}
local quiet = args.quiet == "1"
local setttl
if args.ttl then
  setttl = math.tointeger(tonumber(args.ttl))
  if not setttl or setttl < 0 or setttl > 255 then
    error("tunnel.lua: ttl must be 0..255, got '" .. args.ttl .. "'", 0)
  end
end

local ip4 = layout.newpointer(require "layouts.ipv4")
local ip6 = layout.newpointer(require "layouts.ipv6")
local setpointer, update16, inner = layout.setpointer, checksum.update16,
                                    pktlua.inner

local sums = {}       -- offsets of the outer checksums over the inner packet
local count = {}      -- packets rewritten, by tunnel
local expired = 0

local function get16 (pkt, at) return pkt:get(at) << 8 | pkt:get(at + 1) end

function packet(pkt, info)
  local at = info.l3
  if not at then return true end
  local l4, tunnel, nsums = info.l4, nil, 0
  repeat  -- down to the innermost packet
    local l3in, l4in, _, kind = inner(pkt, at)
    if l3in then
      -- a checksum of the outer header that covers the inner packet
      if kind == "vxlan" or kind == "geneve" or kind == "gtpu" then
        if get16(pkt, l4 + 6) ~= 0 then nsums = nsums + 1; sums[nsums] = l4 + 6 end
      elseif kind == "gre" and pkt:get(l4) & 0x80 ~= 0 then
        nsums = nsums + 1; sums[nsums] = l4 + 4
      end
      at, l4, tunnel = l3in, l4in, kind
    end
  until not l3in
  if not tunnel then return true end
  local caplen, version = info.caplen, pkt:get(at) >> 4
  if version == 4 and caplen >= at + 19 then
    setpointer(ip4, pkt, at)
    local ttl = setttl or ip4.timetolive - 1
    if ttl < 0 or not setttl and ttl == 0 then expired = expired + 1; return false end
    ip4.timetolive = ttl  -- the layout updates ip4.checksum
  elseif version == 6 and caplen >= at + 39 then
    setpointer(ip6, pkt, at)
    local hops = setttl or ip6.hoplimit - 1
    if hops < 0 or not setttl and hops == 0 then expired = expired + 1; return false end
    local old = get16(pkt, at + 6)  -- the word of next header and hop limit
    ip6.hoplimit = hops
    local new = get16(pkt, at + 6)
    for i = 1, nsums do
      local s = sums[i]
      local ck = update16(get16(pkt, s), old, new)
      if ck == 0 then ck = 0xffff end  -- the same sum; 0 would mean "none"
      pkt:set(s, ck >> 8, ck & 0xff)
    end
  else
    return true  -- the inner header is not all captured
  end
  count[tunnel] = (count[tunnel] or 0) + 1
  return true
end

-- the counts, from each worker's state to merge's
function finish()
  return { count = count, expired = expired }
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- counts; merge runs in a fresh state, whose counts are empty
function merge(results)
  for w = 1, results.n do
    local r = results[w]
    if r then
      for k, n in pairs(r.count) do count[k] = (count[k] or 0) + n end
      expired = expired + r.expired
    end
  end
  if quiet then return end
  local t = {}
  for k, n in pairs(count) do t[#t + 1] = k .. " " .. n end
  table.sort(t)
  io.stderr:write(string.format("tunnel.lua: rewrote %s; dropped %d expired\n",
    #t > 0 and table.concat(t, ", ") or "nothing", expired))
end
