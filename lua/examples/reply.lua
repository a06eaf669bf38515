-- reply.lua - answer ICMP echo requests (ping) seen on an interface with
-- an echo reply, and ARP requests for the address with an ARP reply, as
-- the host owning the address would: the request is turned into its reply
-- in place and sent with pktlua.emit; nothing that is read is passed on.
--
--   pktlua -i eth1 -o eth1 -f lua/examples/reply.lua -a addr=192.0.2.7
--   pktlua -r pings.pcap -f reply.lua -w replies.pcap
--
-- Arguments (-a NAME=VALUE):
--   addr=A.B.C.D   answer only requests to this IPv4 address (default:
--                  every echo request, whoever it is for, and no ARP)
--   mac=XX:..:XX   the address's MAC, given in ARP replies (default
--                  02:00:A:B:C:D, the address in a locally administered
--                  MAC)
--   ttl=N          the reply's time-to-live (default 64)
--   quiet=1        no summary at the end (one line, whatever --workers
--                  says: each worker's finish() returns its counts,
--                  merge() adds them up)
--
-- Ethernet and IPv4 (any link type pktlua finds IPv4 in works the same;
-- the link-layer addresses are swapped only for Ethernet). The reply is
-- the request with the Ethernet and IPv4 addresses swapped, a fresh TTL,
-- ICMP type 0 instead of 8; both checksums are updated incrementally (the
-- IPv4 one by the layout, for the TTL; the ICMP one for the type). Other
-- packets, fragments and requests cut short by the snap length are not
-- answered. Every packet's verdict is false: with -i A -o A, what is read
-- must not be sent again.
--
-- ARP (RFC 826; Ethernet without a VLAN tag, IPv4): with addr=, a request
-- for that address becomes a reply in place: to the asker (Ethernet and
-- ARP target), from mac= (Ethernet source, ARP sender), so the host asking
-- learns the MAC and its pings follow. The interface must take frames to
-- that MAC (pktlua captures in promiscuous mode unless -p). Without addr=,
-- no ARP request is answered: answering all would claim every address.
local layout = require "layout"
local checksum = require "checksum"

local args = arg or {}
local quiet = args.quiet == "1"
local ttl = tonumber(args.ttl or "64")
if ttl == nil or ttl < 1 or ttl > 255 or ttl % 1 ~= 0 then
  error("reply.lua: ttl=" .. tostring(args.ttl) .. " is not in 1..255", 0)
end
local want  -- the address answered, as the 4 bytes read from a header
if args.addr then
  local a, b, c, d = args.addr:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  a, b, c, d = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
  if not (a and a < 256 and b < 256 and c < 256 and d < 256) then
    error("reply.lua: addr=" .. args.addr .. " is not an IPv4 address", 0)
  end
  want = ((a * 256 + b) * 256 + c) * 256 + d
end
-- the MAC ARP replies give, as 6 numbers
local m1, m2, m3, m4, m5, m6
if args.mac then
  local h = { args.mac:match("^(%x%x):(%x%x):(%x%x):(%x%x):(%x%x):(%x%x)$") }
  if #h ~= 6 then error("reply.lua: mac=" .. args.mac .. " is not a MAC address", 0) end
  m1, m2, m3, m4, m5, m6 = tonumber(h[1], 16), tonumber(h[2], 16), tonumber(h[3], 16),
    tonumber(h[4], 16), tonumber(h[5], 16), tonumber(h[6], 16)
elseif want then
  m1, m2, m3, m4, m5, m6 = 2, 0, want >> 24, want >> 16 & 0xff, want >> 8 & 0xff, want & 0xff
end

local ip4 = layout.newpointer(require "pktlua.layouts.ipv4")
local setpointer = layout.setpointer
local update16 = checksum.update16
local emit = pktlua.emit
local at4
local seen, answered, arps = 0, 0, 0

-- the IPv4 address at byte i of pkt, as a number
local function addr_at (pkt, i)
  local a, b, c, d = pkt:get(i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end

-- ARP after an untagged Ethernet header: where its fields start
local ARP_OPER, ARP_SHA, ARP_SPA, ARP_THA, ARP_TPA = 21, 23, 29, 33, 39

-- an ARP request for `want` (Ethernet, IPv4) becomes its reply, emitted
local function answer_arp (pkt, info)
  if info.linktype ~= 1 or info.caplen < ARP_TPA + 3 then return end
  -- ethertype 0x0806; htype 1, ptype 0x0800, hlen 6, plen 4; oper 1
  local t1, t2, h1, h2, p1, p2, hlen, plen, o1, o2 = pkt:get(13, ARP_OPER + 1)
  if t1 ~= 0x08 or t2 ~= 0x06 or h1 ~= 0 or h2 ~= 1 or p1 ~= 0x08 or p2 ~= 0
     or hlen ~= 6 or plen ~= 4 or o1 ~= 0 or o2 ~= 1
     or addr_at(pkt, ARP_TPA) ~= want then
    return
  end
  -- the asker's sender fields become the target ones, ours the sender's
  local s1, s2, s3, s4, s5, s6, a, b, c, d = pkt:get(ARP_SHA, ARP_SPA + 3)
  pkt:set(ARP_THA, s1, s2, s3, s4, s5, s6, a, b, c, d)
  pkt:set(ARP_SHA, m1, m2, m3, m4, m5, m6,
          want >> 24, want >> 16 & 0xff, want >> 8 & 0xff, want & 0xff)
  pkt:set(ARP_OPER, 0, 2)
  -- Ethernet: back to the asker, from the address's MAC
  local e1, e2, e3, e4, e5, e6 = pkt:get(7, 12)
  pkt:set(1, e1, e2, e3, e4, e5, e6, m1, m2, m3, m4, m5, m6)
  emit(pkt)
  arps = arps + 1
end

function packet (pkt, info)
  seen = seen + 1
  local l3, l4 = info.l3, info.l4
  if info.ipversion ~= 4 then
    if want then answer_arp(pkt, info) end
    return false
  end
  if info.proto ~= 1 or info.fragment ~= "none"
     or l4 == nil or info.caplen < l4 + 7 or pkt:get(l4) ~= 8
     or pkt:get(l4 + 1) ~= 0 then
    return false
  end
  if want and addr_at(pkt, l3 + 16) ~= want then return false end
  if info.linktype == 1 then  -- Ethernet: the reply goes back to the sender
    local d1, d2, d3, d4, d5, d6, s1, s2, s3, s4, s5, s6 = pkt:get(1, 12)
    pkt:set(1, s1, s2, s3, s4, s5, s6, d1, d2, d3, d4, d5, d6)
  end
  -- the addresses swapped: the header's sum is the same
  local s1, s2, s3, s4, d1, d2, d3, d4 = pkt:get(l3 + 12, l3 + 19)
  pkt:set(l3 + 12, d1, d2, d3, d4, s1, s2, s3, s4)
  if l3 ~= at4 then setpointer(ip4, pkt, l3); at4 = l3 end
  ip4.timetolive = ttl  -- the layout updates the header checksum
  -- ICMP: type 8 -> 0, in the word type|code the checksum covers
  local hi, lo = pkt:get(l4 + 2, l4 + 3)
  local ck = update16(hi * 256 + lo, 0x0800, 0x0000)
  pkt:set(l4, 0)
  pkt:set(l4 + 2, ck >> 8, ck & 0xff)
  emit(pkt)
  answered = answered + 1
  return false
end

-- the counters, from each worker's state to merge's
function finish ()
  return { seen = seen, answered = answered, arps = arps }
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- counters; merge runs in a fresh state, whose counters are all 0
function merge (results)
  for w = 1, results.n do
    local r = results[w]
    if r then
      seen, answered, arps = seen + r.seen, answered + r.answered, arps + r.arps
    end
  end
  if not quiet then
    io.stderr:write(("reply.lua: %d echo requests and %d ARP requests answered, "
      .. "%d packets seen\n"):format(answered, arps, seen))
  end
end
