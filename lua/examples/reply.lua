-- reply.lua - answer ICMP echo requests (ping) seen on an interface with
-- an echo reply, as the host owning the address would: the request is
-- turned into its reply in place and sent with pktlua.emit; nothing that
-- is read is passed on.
--
--   pktlua -i eth1 -o eth1 -f lua/examples/reply.lua -a addr=192.0.2.7
--   pktlua -r pings.pcap -f reply.lua -w replies.pcap
--
-- Arguments (-a NAME=VALUE):
--   addr=A.B.C.D   answer only requests to this IPv4 address (default:
--                  every request, whoever it is for)
--   ttl=N          the reply's time-to-live (default 64)
--   quiet=1        no summary at the end
--
-- Ethernet and IPv4 (any link type pktlua finds IPv4 in works the same;
-- the link-layer addresses are swapped only for Ethernet). The reply is
-- the request with the Ethernet and IPv4 addresses swapped, a fresh TTL,
-- ICMP type 0 instead of 8; both checksums are updated incrementally (the
-- IPv4 one by the layout, for the TTL; the ICMP one for the type). Other
-- packets, fragments and requests cut short by the snap length are not
-- answered. Every packet's verdict is false: with -i A -o A, what is read
-- must not be sent again. The host asking needs to know the address's MAC
-- (ARP is not answered here: a static neighbour entry, or a host that
-- does own the address).
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

local ip4 = layout.newpointer(require "pktlua.layouts.ipv4")
local setpointer = layout.setpointer
local update16 = checksum.update16
local emit = pktlua.emit
local at4
local seen, answered = 0, 0

function packet (pkt, info)
  seen = seen + 1
  local l3, l4 = info.l3, info.l4
  if info.ipversion ~= 4 or info.proto ~= 1 or info.fragment ~= "none"
     or l4 == nil or info.caplen < l4 + 7 or pkt:get(l4) ~= 8
     or pkt:get(l4 + 1) ~= 0 then
    return false
  end
  if want then
    local a, b, c, d = pkt:get(l3 + 16, l3 + 19)
    if ((a * 256 + b) * 256 + c) * 256 + d ~= want then return false end
  end
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

function finish ()
  if not quiet then
    io.stderr:write(("reply.lua: %d echo requests answered, %d packets seen\n"):format(
      answered, seen))
  end
end
