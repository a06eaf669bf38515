-- oracle: the packets of a capture decoded twice, by tshark (-T fields) and
-- by layouts/ + checksum, and the values compared field by field.
--
--   local oracle = require "tests.layouts.oracle"
--   local stats, mismatches = oracle.compare(path)
--
-- stats counts compared values per tshark field; mismatches lists
-- "frame N field: layouts X, tshark Y" lines.
local memory = require "memory"
local layout = require "layout"
local checksum = require "checksum"
local ipv4 = require "pktlua.ipv4"
local ipv6 = require "pktlua.ipv6"
local pcapread = require "tests.layouts.pcapread"

local M = {}

local L = {}
for _, name in ipairs{ "ethernet", "vlan", "arp", "ipv4", "ipv4addrs", "ipv6", "icmp",
                       "icmpv6", "udp", "tcp", "sll", "sll2" } do
  L[name] = layout.newpointer(require("layouts." .. name))
  L[name .. "size"] = layout.sizeof(require("layouts." .. name))
end

-- every tshark field the comparison reads
local FIELDS = {
  "eth.dst", "eth.src", "eth.type", "eth.len",
  "vlan.priority", "vlan.dei", "vlan.id", "vlan.etype",
  "ieee8021ad.priority", "ieee8021ad.dei", "ieee8021ad.id", "ieee8021ah.etype",
  "sll.pkttype", "sll.hatype", "sll.halen", "sll.src.eth", "sll.etype",
  "sll.ifindex",
  "arp.hw.type", "arp.proto.type", "arp.hw.size", "arp.proto.size",
  "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac",
  "arp.dst.proto_ipv4",
  "ip.version", "ip.hdr_len", "ip.dsfield.dscp", "ip.dsfield.ecn", "ip.len",
  "ip.id", "ip.flags.rb", "ip.flags.df", "ip.flags.mf", "ip.frag_offset",
  "ip.ttl", "ip.proto", "ip.checksum", "ip.src", "ip.dst",
  "ip.checksum.status", "ip.checksum_calculated",
  "ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen", "ipv6.nxt",
  "ipv6.hlim", "ipv6.src", "ipv6.dst",
  "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len",
  "tcp.flags.res", "tcp.flags.ae", "tcp.flags.cwr", "tcp.flags.ece",
  "tcp.flags.urg", "tcp.flags.ack", "tcp.flags.push", "tcp.flags.reset",
  "tcp.flags.syn", "tcp.flags.fin", "tcp.window_size_value", "tcp.checksum",
  "tcp.urgent_pointer", "tcp.checksum.status", "tcp.checksum_calculated",
  "udp.srcport", "udp.dstport", "udp.length", "udp.checksum",
  "udp.checksum.status", "udp.checksum_calculated",
  "icmp.type", "icmp.code", "icmp.checksum", "icmp.ident", "icmp.seq",
  "icmp.checksum.status",
  "icmpv6.type", "icmpv6.code", "icmpv6.checksum", "icmpv6.echo.identifier",
  "icmpv6.echo.sequence_number", "icmpv6.checksum.status",
}

-- raw values: no reassembly, no relative numbers, checksums verified
local PREFS = {
  "ip.defragment:FALSE", "ipv6.defragment:FALSE",
  "tcp.analyze_sequence_numbers:FALSE", "tcp.relative_sequence_numbers:FALSE",
  "tcp.desegment_tcp_streams:FALSE",
  "ip.check_checksum:TRUE", "tcp.check_checksum:TRUE",
  "udp.check_checksum:TRUE",
}

-- runs tshark; returns frame number -> field -> list of occurrences
function M.tshark(path)
  local cmd = { "tshark", "-n", "-r", "'" .. path .. "'", "-T", "fields",
                "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number" }
  for _, p in ipairs(PREFS) do cmd[#cmd + 1] = "-o " .. p end
  for _, f in ipairs(FIELDS) do cmd[#cmd + 1] = "-e " .. f end
  local pipe = assert(io.popen(table.concat(cmd, " ") .. " 2>/dev/null"))
  local frames = {}
  for line in pipe:lines() do
    local cols, i = {}, 0
    for col in (line .. "\t"):gmatch("([^\t]*)\t") do
      i = i + 1
      cols[i] = col
    end
    local row = {}
    for k, f in ipairs(FIELDS) do
      local v = cols[k + 1]
      if v and v ~= "" then
        local list = {}
        for item in v:gmatch("[^,]+") do list[#list + 1] = item end
        row[f] = list
      end
    end
    frames[tonumber(cols[1])] = row
  end
  pipe:close()
  return frames
end

------------------------------------------------------------------------
-- formatting of our values the way tshark prints them

local function mac(s)
  return (s:gsub(".", function(c) return string.format("%02x:", c:byte()) end)
           :sub(1, -2))
end

-- tshark's IPv6 text (RFC 5952, "::" compressed) -> 16 bytes
local function ipv6bytes(text)
  local head, tail = text:match("^(.-)::(.*)$")
  local function groups(s)
    local g = {}
    for h in s:gmatch("[^:]+") do
      if h:find("%.") then  -- embedded IPv4 in the last 32 bits
        local n = assert(ipv4.parse(h))
        g[#g + 1] = n >> 16; g[#g + 1] = n & 0xffff
      else
        g[#g + 1] = tonumber(h, 16)
      end
    end
    return g
  end
  local g
  if head then
    local a, b = groups(head), groups(tail)
    g = a
    for _ = 1, 8 - #a - #b do g[#g + 1] = 0 end
    for _, v in ipairs(b) do g[#g + 1] = v end
  else
    g = groups(text)
  end
  return string.pack(">" .. string.rep("I2", 8), table.unpack(g))
end

------------------------------------------------------------------------

-- a comparison context for one packet
local function checker(stats, mismatches, frame, row)
  -- compares our value with the k-th occurrence (default 1) of field f,
  -- passed through norm when given
  return function(f, ours, k, norm)
    local list = row[f]
    local theirs = list and list[k or 1]
    if theirs ~= nil and norm then theirs = norm(theirs) end
    local same
    if theirs == nil then
      same = false
    elseif type(ours) == "boolean" then
      same = (theirs == "1" or theirs == "True") == ours
    elseif type(ours) == "number" then
      same = tonumber(theirs) == ours
    else
      same = theirs == ours
    end
    stats[f] = (stats[f] or 0) + 1
    if not same then
      mismatches[#mismatches + 1] = string.format(
        "frame %d %s: layouts %s, tshark %s", frame, f, tostring(ours),
        tostring(theirs))
    end
  end
end

-- tshark's checksum status: 0 bad, 1 good, 2 unverified
local function status(row, f)
  local v = row[f] and row[f][1]
  if v == "0" or v == "Bad" then return false end
  if v == "1" or v == "Good" then return true end
  return nil
end

local function fits(m, pos, size) return pos + size - 1 <= #m end

local function check_tcp(m, pos, eq)
  local p = layout.setpointer(L.tcp, m, pos)
  eq("tcp.srcport", p.sourceport); eq("tcp.dstport", p.destinationport)
  eq("tcp.seq_raw", p.seqnum); eq("tcp.ack_raw", p.acknum)
  eq("tcp.hdr_len", p.dataoffset * 4)
  eq("tcp.flags.res", p.reserved)
  eq("tcp.flags.ae", p.ns); eq("tcp.flags.cwr", p.cwr)
  eq("tcp.flags.ece", p.ece); eq("tcp.flags.urg", p.urg)
  eq("tcp.flags.ack", p.ack); eq("tcp.flags.push", p.psh)
  eq("tcp.flags.reset", p.rst); eq("tcp.flags.syn", p.syn)
  eq("tcp.flags.fin", p.fin)
  eq("tcp.window_size_value", p.window); eq("tcp.checksum", p.checksum)
  eq("tcp.urgent_pointer", p.urgentpointer)
end

local function check_udp(m, pos, eq)
  local p = layout.setpointer(L.udp, m, pos)
  eq("udp.srcport", p.sourceport); eq("udp.dstport", p.destinationport)
  eq("udp.length", p.length); eq("udp.checksum", p.checksum)
end

local function check_icmp(m, pos, eq, row, v6)
  local p = layout.setpointer(v6 and L.icmpv6 or L.icmp, m, pos)
  local pre = v6 and "icmpv6." or "icmp."
  eq(pre .. "type", p.type); eq(pre .. "code", p.code)
  eq(pre .. "checksum", p.checksum)
  -- echo request/reply: tshark prints ident and sequence
  local echo = v6 and (p.type == 128 or p.type == 129)
               or (not v6 and (p.type == 0 or p.type == 8))
  if echo then
    eq(v6 and "icmpv6.echo.identifier" or "icmp.ident", p.ident)
    eq(v6 and "icmpv6.echo.sequence_number" or "icmp.seq", p.sequence)
  end
end

-- transport checksum against tshark's verdict and its computed value
local function check_l4sum(m, l3, eq, row, f)
  local want = status(row, f .. ".checksum.status")
  local got, msg = checksum.verifyl4(m, l3)
  if want ~= nil then eq(f .. ".checksum.status", got == nil and msg or got) end
  if want == false and row[f .. ".checksum_calculated"] then
    eq(f .. ".checksum_calculated", (checksum.l4(m, l3)))
  end
end

-- the transport header at l4 of an IP packet at l3 (protocol or next
-- header proto; v6: ICMPv6, not ICMP), when it fits, with its checksum
local function check_transport(m, l3, l4, proto, eq, row, v6)
  if proto == 6 and fits(m, l4, L.tcpsize) then
    check_tcp(m, l4, eq)
    check_l4sum(m, l3, eq, row, "tcp")
  elseif proto == 17 and fits(m, l4, L.udpsize) then
    check_udp(m, l4, eq)
    check_l4sum(m, l3, eq, row, "udp")
  elseif not v6 and proto == 1 and fits(m, l4, L.icmpsize) then
    check_icmp(m, l4, eq, row, false)
    check_l4sum(m, l3, eq, row, "icmp")
  elseif v6 and proto == 58 and fits(m, l4, L.icmpv6size) then
    check_icmp(m, l4, eq, row, true)
    check_l4sum(m, l3, eq, row, "icmpv6")
  end
end

local function check_ipv4(m, l3, eq, row)
  local p = layout.setpointer(L.ipv4, m, l3)
  eq("ip.version", p.version); eq("ip.hdr_len", p.ihl * 4)
  eq("ip.dsfield.dscp", p.dscp); eq("ip.dsfield.ecn", p.ecn)
  eq("ip.len", p.totallength); eq("ip.id", p.ident)
  eq("ip.flags.rb", p.flagnull); eq("ip.flags.df", p.flagdf)
  eq("ip.flags.mf", p.flagmf); eq("ip.frag_offset", p.fragoffset)
  eq("ip.ttl", p.timetolive); eq("ip.proto", p.protocol)
  eq("ip.checksum", p.checksum)
  eq("ip.src", ipv4.tostring(p.source)); eq("ip.dst", ipv4.tostring(p.destination))
  eq("ip.src", ipv4.format(ipv4.tonumber(p.source)))
  if fits(m, l3, 20) then  -- the same through the address view
    local a = layout.setpointer(L.ipv4addrs, m, l3 + 10)
    eq("ip.src", ipv4.format(a.source)); eq("ip.dst", ipv4.format(a.destination))
    eq("ip.checksum", a.checksum)
  end
  -- header checksum: tshark's verdict, and its computed value when bad
  local want = status(row, "ip.checksum.status")
  if want ~= nil and fits(m, l3, p.ihl * 4) then
    eq("ip.checksum.status", checksum.verifyipv4(m, l3))
    if not want and row["ip.checksum_calculated"] then
      eq("ip.checksum_calculated", checksum.ipv4(m, l3))
    end
  end
  if p.fragoffset ~= 0 or p.ihl < 5 then return end
  check_transport(m, l3, l3 + p.ihl * 4, p.protocol, eq, row, false)
end

local function check_ipv6(m, l3, eq, row)
  local p = layout.setpointer(L.ipv6, m, l3)
  eq("ipv6.version", p.version); eq("ipv6.tclass", p.trafficclass)
  eq("ipv6.flow", p.flowlabel); eq("ipv6.plen", p.payloadlength)
  eq("ipv6.nxt", p.nextheader); eq("ipv6.hlim", p.hoplimit)
  -- as bytes (tshark's text parsed here), and as text (pktlua.ipv6)
  local function norm(text) return mac(ipv6bytes(text)) end
  eq("ipv6.src", mac(p.source), 1, norm)
  eq("ipv6.dst", mac(p.destination), 1, norm)
  eq("ipv6.src", ipv6.tostring(p.source))
  eq("ipv6.dst", ipv6.tostring(p.destination))
  eq("ipv6.src", mac(ipv6.parse(row["ipv6.src"] and row["ipv6.src"][1] or "::")), 1, norm)
  check_transport(m, l3, l3 + 40, p.nextheader, eq, row, true)
end

local function check_arp(m, pos, eq)
  local p = layout.setpointer(L.arp, m, pos)
  eq("arp.hw.type", p.htype); eq("arp.proto.type", p.ptype)
  eq("arp.hw.size", p.hlen); eq("arp.proto.size", p.plen)
  eq("arp.opcode", p.oper)
  if p.hlen == 6 and p.plen == 4 and p.ptype == 0x0800 then
    eq("arp.src.hw_mac", mac(p.sha)); eq("arp.dst.hw_mac", mac(p.tha))
    eq("arp.src.proto_ipv4", ipv4.format(string.unpack(">I4", p.spa)))
    eq("arp.dst.proto_ipv4", ipv4.format(string.unpack(">I4", p.tpa)))
  end
end

-- the link layer: returns the index of the network header and its
-- ethertype (0x0800, 0x86dd, 0x0806...), or nil
local function link(m, linktype, eq)
  if linktype == 1 then  -- Ethernet, with any number of 802.1Q/ad tags
    if not fits(m, 1, L.ethernetsize) then return nil end
    local e = layout.setpointer(L.ethernet, m)
    eq("eth.dst", mac(e.destination)); eq("eth.src", mac(e.source))
    if e.ethertype < 0x0600 then  -- an 802.3 length, LLC follows
      eq("eth.len", e.ethertype)
      return nil
    end
    eq("eth.type", e.ethertype)
    -- tshark names an 802.1Q tag's fields vlan.*, an 802.1ad (0x88a8)
    -- tag's ieee8021ad.* (its type field: ieee8021ah.etype)
    local et, pos, seen = e.ethertype, 15, { vlan = 0, ieee8021ad = 0 }
    while (et == 0x8100 or et == 0x88a8) and fits(m, pos, L.vlansize) do
      local v = layout.setpointer(L.vlan, m, pos)
      local p = et == 0x88a8 and "ieee8021ad" or "vlan"
      local k = seen[p] + 1
      seen[p] = k
      eq(p .. ".id", v.vid, k); eq(p .. ".priority", v.pcp, k)
      eq(p .. ".dei", v.dei, k)
      eq(p == "vlan" and "vlan.etype" or "ieee8021ah.etype", v.ethertype, k)
      et, pos = v.ethertype, pos + 4
    end
    return pos, et
  elseif linktype == 113 then  -- Linux cooked v1
    if not fits(m, 1, L.sllsize) then return nil end
    local s = layout.setpointer(L.sll, m)
    eq("sll.pkttype", s.packettype); eq("sll.hatype", s.arphrdtype)
    eq("sll.halen", s.addresslength); eq("sll.etype", s.protocol)
    if s.addresslength == 6 then eq("sll.src.eth", mac(s.address:sub(1, 6))) end
    return 17, s.protocol
  elseif linktype == 276 then  -- Linux cooked v2
    if not fits(m, 1, L.sll2size) then return nil end
    local s = layout.setpointer(L.sll2, m)
    eq("sll.etype", s.protocol); eq("sll.ifindex", s.ifindex)
    eq("sll.hatype", s.arphrdtype); eq("sll.pkttype", s.packettype)
    eq("sll.halen", s.addresslength)
    if s.addresslength == 6 then eq("sll.src.eth", mac(s.address:sub(1, 6))) end
    return 21, s.protocol
  elseif linktype == 0 or linktype == 108 then  -- BSD loopback
    if #m < 5 then return nil end
    local v = m:get(5) >> 4
    return 5, v == 4 and 0x0800 or v == 6 and 0x86dd or nil
  elseif linktype == 101 or linktype == 12 or linktype == 14
         or linktype == 228 or linktype == 229 then  -- raw IP
    if #m < 1 then return nil end
    local v = m:get(1) >> 4
    return 1, v == 4 and 0x0800 or v == 6 and 0x86dd or nil
  end
  return nil
end

-- the network header of a packet: index and ethertype, or nil
function M.l3(m, linktype)
  return link(m, linktype, function() end)
end

-- compares every packet of the capture at `path`
function M.compare(path)
  local frames = M.tshark(path)
  local stats, mismatches, packets = {}, {}, 0
  for frame, data, linktype in pcapread.packets(path) do
    packets = packets + 1
    local row = frames[frame]
    if not row then
      mismatches[#mismatches + 1] = "frame " .. frame .. ": not in tshark's output"
    else
      local m = memory.create(data)
      local eq = checker(stats, mismatches, frame, row)
      local l3, et = link(m, linktype, eq)
      if l3 and et == 0x0800 and fits(m, l3, L.ipv4size) then
        check_ipv4(m, l3, eq, row)
      elseif l3 and et == 0x86dd and fits(m, l3, L.ipv6size) then
        check_ipv6(m, l3, eq, row)
      elseif l3 and (et == 0x0806 or et == 0x8035) and fits(m, l3, L.arpsize) then
        check_arp(m, l3, eq)
      end
    end
  end
  return stats, mismatches, packets
end

return M
