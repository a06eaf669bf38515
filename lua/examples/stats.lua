-- stats.lua - count packets and bytes per protocol and find the top talkers;
-- the report is printed at the end. Every packet passes. With --workers N
-- each worker counts its own flows and returns its counters from finish();
-- merge() adds them up and prints the one report (the same as one
-- worker's).
--
--   pktlua -r captures/ipv4.pcap -f lua/examples/stats.lua
--   pktlua -r big.pcap -f stats.lua --workers auto
--   pktlua -i eth0 -f stats.lua -a top=5          (Ctrl-C prints the report)
--
-- Arguments (-a NAME=VALUE):
--   top=N      how many talkers to list (default 10; 0 lists all)
--   out=FILE   write the report to FILE instead of standard output (use it
--              with -w -, where standard output carries the packets)
--
-- Bytes are lengths on the wire (info.len), whatever the snap length cut.
-- Protocols: the IPv4 protocol / IPv6 next header field of the outer IP
-- header as the daemon finds it (info.l3); "non-IP" is everything else
-- (ARP, MPLS, ...), "truncated IP" an IP packet captured too short to hold
-- its fixed header. Talkers are source addresses, ranked by bytes sent.
local layout = require "layout"
local ipv4 = require "pktlua.ipv4"
local ipv6 = require "pktlua.ipv6"

local args = arg or {}
local top = math.tointeger(tonumber(args.top or "10"))
if not top or top < 0 then
  error("stats.lua: top must be a number >= 0, got '" .. args.top .. "'", 0)
end

-- the report's destination, opened now so that a bad path stops the run
-- before the first packet
local out = io.stdout
if args.out then
  local f, err = io.open(args.out, "w")
  if not f then error("stats.lua: " .. err, 0) end
  out = f
end

local setpointer = layout.setpointer
local IP4, IP6 = require "pktlua.layouts.ipv4", require "pktlua.layouts.ipv6"
local ip4, ip6 = layout.newpointer(IP4), layout.newpointer(IP6)
local fits = layout.fits
-- bytes 10..19 of the IPv4 header: the source address as one 32-bit number
-- (pktlua.layouts.ipv4 has it as 4 bytes)
local addrs4 = layout.newpointer(require "pktlua.layouts.ipv4addrs")

-- counters: [1] IPv4 and [2] IPv6 by protocol number, plus two lone ones
local pkts = { {}, {} }
local bytes = { {}, {} }
for v = 1, 2 do
  for p = 0, 255 do pkts[v][p], bytes[v][p] = 0, 0 end
end
local nonip, nonipbytes, trunc, truncbytes = 0, 0, 0, 0
local total, totalbytes = 0, 0
-- talkers: IPv4 addresses as integer keys, IPv6 as 16-byte strings
local tpkts, tbytes = {}, {}

function packet(pkt, info)
  local l3, len, caplen = info.l3, info.len, info.caplen
  total, totalbytes = total + 1, totalbytes + len
  if not l3 then
    nonip, nonipbytes = nonip + 1, nonipbytes + len
    return true
  end
  local v, proto, who
  v = info.ipversion
  if v == 4 and fits(IP4, pkt, l3) then
    setpointer(ip4, pkt, l3)
    proto = ip4.protocol
    setpointer(addrs4, pkt, l3 + 10)
    who = addrs4.source
    v = 1
  elseif v == 6 and fits(IP6, pkt, l3) then
    setpointer(ip6, pkt, l3)
    proto, who = ip6.nextheader, ip6.source
    v = 2
  else
    trunc, truncbytes = trunc + 1, truncbytes + len
    return true
  end
  local p, b = pkts[v], bytes[v]
  p[proto], b[proto] = p[proto] + 1, b[proto] + len
  tpkts[who] = (tpkts[who] or 0) + 1
  tbytes[who] = (tbytes[who] or 0) + len
  return true
end

-- ---- the report ---------------------------------------------------------

local NAMES = { [1] = "ICMP", [2] = "IGMP", [4] = "IPIP", [6] = "TCP",
                [17] = "UDP", [41] = "IPv6", [47] = "GRE", [50] = "ESP",
                [51] = "AH", [58] = "ICMPv6", [89] = "OSPF", [103] = "PIM",
                [112] = "VRRP", [132] = "SCTP" }

-- talkers: IPv4 as a number, IPv6 as 16 bytes
local function addrtostring(a)
  if math.type(a) == "integer" then return ipv4.format(a) end
  return ipv6.tostring(a)
end

local report  -- below

-- the counters, which cross from each worker's state to merge's
function finish()
  return { pkts = pkts, bytes = bytes, nonip = nonip, nonipbytes = nonipbytes,
           trunc = trunc, truncbytes = truncbytes, total = total,
           totalbytes = totalbytes, tpkts = tpkts, tbytes = tbytes }
end

-- t[k] += v for every k of from
local function add(t, from)
  for k, v in pairs(from) do t[k] = (t[k] or 0) + v end
end

-- results[w]: worker w's counters (one worker without --workers)
function merge(results)
  for w = 1, results.n do
    local r = results[w]
    if r then
      for v = 1, 2 do add(pkts[v], r.pkts[v]); add(bytes[v], r.bytes[v]) end
      nonip, nonipbytes = nonip + r.nonip, nonipbytes + r.nonipbytes
      trunc, truncbytes = trunc + r.trunc, truncbytes + r.truncbytes
      total, totalbytes = total + r.total, totalbytes + r.totalbytes
      add(tpkts, r.tpkts)
      add(tbytes, r.tbytes)
    end
  end
  report()
end

function report()
  local function line(name, n, b)
    out:write(string.format("%-16s %12d %14d\n", name, n, b))
  end
  out:write(string.format("%-16s %12s %14s\n", "protocol", "packets", "bytes"))
  line("all", total, totalbytes)
  for v, vname in ipairs{ "IPv4", "IPv6" } do
    local n, b = 0, 0
    for p = 0, 255 do n, b = n + pkts[v][p], b + bytes[v][p] end
    line(vname, n, b)
    for p = 0, 255 do
      if pkts[v][p] > 0 then
        line("  " .. (NAMES[p] or "proto " .. p), pkts[v][p], bytes[v][p])
      end
    end
  end
  line("truncated IP", trunc, truncbytes)
  line("non-IP", nonip, nonipbytes)
  -- talkers, by bytes, then packets, then address text for a stable order
  local list = {}
  for who in pairs(tbytes) do
    list[#list + 1] = { addrtostring(who), tpkts[who], tbytes[who] }
  end
  table.sort(list, function(x, y)
    if x[3] ~= y[3] then return x[3] > y[3] end
    if x[2] ~= y[2] then return x[2] > y[2] end
    return x[1] < y[1]
  end)
  local n = (top == 0 or top > #list) and #list or top
  out:write(string.format("\ntop %d of %d talkers, by bytes sent\n", n, #list))
  out:write(string.format("  %-39s %12s %14s\n", "source", "packets", "bytes"))
  for i = 1, n do
    out:write(string.format("  %-39s %12d %14d\n", list[i][1], list[i][2],
                            list[i][3]))
  end
  if out ~= io.stdout then out:close() else out:flush() end
end
