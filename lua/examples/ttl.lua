-- ttl.lua - what a router does to every packet it forwards: decrement the
-- IPv4 time-to-live / IPv6 hop limit, and drop the packet when it reaches 0.
--
--   pktlua -r captures/ipv4.pcap -w out.pcap -f lua/examples/ttl.lua
--   pktlua -r in.pcap -w out.pcap -f ttl.lua -a strict=1
--
-- Arguments (-a NAME=VALUE):
--   strict=1   also drop IPv4 packets whose header checksum is wrong, as
--              RFC 1812 routers do (default: pass them, still wrong)
--   quiet=1    no summary at the end
--
-- The IPv4 header checksum is kept valid by the layout itself: layouts.ipv4
-- declares `checksum`, so the write `ip.timetolive = ttl - 1` updates it
-- incrementally (RFC 1624). A checksum that was wrong before stays exactly
-- as wrong, so nothing is hidden. Packets that are not IP, or whose IP header
-- is not fully captured, pass unchanged. The summary (to stderr, like the
-- daemon's own statistics) counts what happened: one line, whatever
-- --workers says (each worker's finish() returns its counters, merge()
-- adds them up).
--
-- Both pointers are made once, here: the per-packet path allocates nothing.
-- pkt is the same memory object for every packet (re-pointed by the daemon
-- at each packet's bytes), so a pointer set on it follows it: it is set
-- again only when the IP header moves (at4/at6), which on most captures
-- is never after the first packet.
local layout = require "layout"
local checksum = require "checksum"

local args = arg or {}
local strict = args.strict == "1"
local quiet = args.quiet == "1"

local ip4 = layout.newpointer(require "layouts.ipv4")
local ip6 = layout.newpointer(require "layouts.ipv6")
local setpointer = layout.setpointer
local verifyipv4 = checksum.verifyipv4

local n4, n6, expired, badsum, skipped = 0, 0, 0, 0, 0
local at4, at6  -- where ip4 and ip6 point in pkt

function packet(pkt, info)
  local l3, version = info.l3, info.ipversion  -- ipversion: 4, 6 or false
  if version == 4 and info.caplen >= l3 + 19 then  -- 20 bytes of IPv4
    if l3 ~= at4 then setpointer(ip4, pkt, l3); at4 = l3 end
    if strict and not verifyipv4(pkt, l3) then
      badsum = badsum + 1
      return false
    end
    local ttl = ip4.timetolive
    if ttl <= 1 then expired = expired + 1; return false end
    ip4.timetolive = ttl - 1  -- the layout updates ip4.checksum
    n4 = n4 + 1
  elseif version == 6 and info.caplen >= l3 + 39 then  -- 40 bytes of IPv6
    if l3 ~= at6 then setpointer(ip6, pkt, l3); at6 = l3 end
    local hops = ip6.hoplimit
    if hops <= 1 then expired = expired + 1; return false end
    ip6.hoplimit = hops - 1  -- IPv6 has no header checksum
    n6 = n6 + 1
  else  -- not IP, or its header not fully captured
    skipped = skipped + 1
  end
  return true
end

-- the counters, from each worker's state to merge's (with --workers N
-- each worker counted its own flows)
function finish()
  return { n4 = n4, n6 = n6, expired = expired, badsum = badsum,
           skipped = skipped }
end

-- the one summary: results[w] is worker w's counters (one worker without
-- --workers); merge runs in a fresh state, whose counters are all 0
function merge(results)
  for w = 1, results.n do
    local r = results[w]
    if r then
      n4, n6, expired = n4 + r.n4, n6 + r.n6, expired + r.expired
      badsum, skipped = badsum + r.badsum, skipped + r.skipped
    end
  end
  if quiet then return end
  io.stderr:write(string.format("ttl.lua: decremented %d IPv4 + %d IPv6,"
    .. " dropped %d expired", n4, n6, expired))
  if strict then
    io.stderr:write(string.format(" + %d bad header checksum", badsum))
  end
  io.stderr:write(string.format(", passed %d unchanged (not IP or truncated)\n",
                                skipped))
end
