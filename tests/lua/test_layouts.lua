-- test_layouts: the protocol layouts (layouts/*.lua) and pktlua.ipv4 on
-- hand-built bytes: sizes, field names and order, bit positions, the
-- reference IPv4 example, and declared checksums kept valid by writes.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"
local checksum = require "checksum"
local ipv4 = require "pktlua.ipv4"

local pack = string.pack

-- the contract of /work/notes/api.md: names, order and sizes
local SPEC = {
  ethernet = { 14, "destination", "source", "ethertype" },
  vlan = { 4, "pcp", "dei", "vid", "ethertype" },
  arp = { 28, "htype", "ptype", "hlen", "plen", "oper", "sha", "spa", "tha", "tpa" },
  ipv4 = { 20, "version", "ihl", "dscp", "ecn", "totallength", "ident", "flagnull",
           "flagdf", "flagmf", "fragoffset", "timetolive", "protocol", "checksum",
           "source", "destination" },
  ipv4addrs = { 10, "checksum", "source", "destination" },
  ipv6 = { 40, "version", "trafficclass", "flowlabel", "payloadlength", "nextheader",
           "hoplimit", "source", "destination" },
  icmp = { 8, "type", "code", "checksum", "ident", "sequence" },
  icmpv6 = { 8, "type", "code", "checksum", "ident", "sequence" },
  udp = { 8, "sourceport", "destinationport", "length", "checksum" },
  tcp = { 20, "sourceport", "destinationport", "seqnum", "acknum", "dataoffset",
          "reserved", "ns", "cwr", "ece", "urg", "ack", "psh", "rst", "syn", "fin",
          "window", "checksum", "urgentpointer" },
  sll = { 16, "packettype", "arphrdtype", "addresslength", "address", "protocol" },
  sll2 = { 20, "protocol", "reserved", "ifindex", "arphrdtype", "packettype",
           "addresslength", "address" },
}

local function ptr(name, bytes, pos)
  local m = type(bytes) == "string" and memory.create(bytes) or bytes
  return layout.setpointer(layout.newpointer(require("layouts." .. name)), m, pos or 1), m
end

-- the layouts that exist only under pktlua.layouts: names, order, sizes
local NEW = {
  mpls = { 4, "label", "tc", "bottom", "ttl" },
  gre = { 4, "checksumpresent", "routingpresent", "keypresent", "sequencepresent",
          "reserved0", "version", "protocol" },
  grechecksum = { 4, "checksum", "reserved1" },
  grekey = { 4, "key" },
  greseq = { 4, "sequence" },
  vxlan = { 8, "vnivalid", "reserved1", "vni", "reserved2" },
  geneve = { 8, "version", "optlength", "oam", "critical", "reserved1", "protocol",
             "vni", "reserved2" },
  gtpu = { 8, "version", "protocoltype", "reserved", "extension", "hassequence",
           "hasnpdu", "messagetype", "length", "teid" },
  gtpuoptional = { 4, "sequence", "npdunumber", "nextextension" },
  ipv6ext = { 2, "nextheader", "length" },
  ipv6frag = { 8, "nextheader", "reserved", "fragoffset", "reserved2", "flagmf", "ident" },
  ipv6routing = { 4, "nextheader", "length", "routingtype", "segmentsleft" },
  pppoe = { 6, "version", "type", "code", "sessionid", "length" },
  ppp = { 2, "protocol" },
  dns = { 12, "id", "qr", "opcode", "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode",
          "qdcount", "ancount", "nscount", "arcount" },
}

-- size, and names in declaration order, of module prefix .. name
local function fieldorder(prefix, name, spec)
  T.case(prefix .. name .. ": size and field order", function()
    local S = require(prefix .. name)
    T.eq(layout.sizeof(S), spec[1], name .. " bytes")
    local p = layout.setpointer(layout.newpointer(S), memory.create(string.rep("\0", spec[1])))
    local i = 1
    for k in pairs(p) do
      i = i + 1
      T.eq(k, spec[i], name .. " field " .. (i - 1))
    end
    T.eq(i, #spec, name .. " field count")
  end)
end
for name, spec in pairs(SPEC) do fieldorder("layouts.", name, spec) end
for name, spec in pairs(NEW) do fieldorder("pktlua.layouts.", name, spec) end

T.case("layouts.ipv4addrs: the addresses of an ipv4 header as numbers", function()
  local m = memory.create(pack(">BBI2I2I2BBI2I4I4", 0x45, 0, 40, 7, 0x4000, 64, 6,
                               0, 0xc0a8000a, 0x0a000001))
  checksum.fixipv4(m, 1)
  local ip = layout.setpointer(layout.newpointer(require "layouts.ipv4"), m)
  local a = layout.setpointer(layout.newpointer(require "layouts.ipv4addrs"), m, 11)
  T.eq(a.source, 0xc0a8000a); T.eq(a.destination, 0x0a000001)
  T.eq(a.checksum, ip.checksum)
  T.eq(a.source, ipv4.tonumber(ip.source))
  a.source = ipv4.parse("172.16.254.3")
  a.destination = 0xffffffff
  T.eq(ipv4.tostring(ip.source), "172.16.254.3")
  T.eq(ipv4.tostring(ip.destination), "255.255.255.255")
  T.ok(checksum.verifyipv4(m, 1), "header checksum follows the writes")
  T.errors("unsigned overflow", function() a.source = 1 << 32 end)
end)

T.case("byte offsets of the fields users index by hand", function()
  local function off(name, key)
    return (layout.offsetof(require("layouts." .. name), key))
  end
  T.eq(off("ipv4", "checksum"), 10); T.eq(off("ipv4", "source"), 12)
  T.eq(off("ipv4", "destination"), 16); T.eq(off("ipv4", "timetolive"), 8)
  T.eq(off("ipv6", "nextheader"), 6); T.eq(off("ipv6", "source"), 8)
  T.eq(off("ipv6", "destination"), 24)
  T.eq(off("tcp", "window"), 14); T.eq(off("tcp", "checksum"), 16)
  T.eq(off("udp", "checksum"), 6); T.eq(off("icmp", "checksum"), 2)
  T.eq(off("ethernet", "ethertype"), 12); T.eq(off("vlan", "ethertype"), 2)
  T.eq(off("sll", "protocol"), 14); T.eq(off("sll2", "address"), 12)
  T.eq(off("arp", "tpa"), 24)
end)

T.case("bit fields sit where the RFCs put them", function()
  local v = ptr("vlan", "\xa0\x64\x08\x00")
  T.eq(v.pcp, 5); T.eq(v.dei, false); T.eq(v.vid, 100); T.eq(v.ethertype, 0x0800)
  v = ptr("vlan", "\x3f\xff\x81\x00")
  T.eq(v.pcp, 1); T.eq(v.dei, true); T.eq(v.vid, 4095); T.eq(v.ethertype, 0x8100)

  local six = ptr("ipv6", "\x6a\xbc\xde\xf1\x05\xdc\x11\x40" .. string.rep("\1", 16)
                  .. string.rep("\2", 16))
  T.eq(six.version, 6); T.eq(six.trafficclass, 0xab); T.eq(six.flowlabel, 0xcdef1)
  T.eq(six.payloadlength, 1500); T.eq(six.nextheader, 17); T.eq(six.hoplimit, 64)
  T.eq(six.source, string.rep("\1", 16)); T.eq(six.destination, string.rep("\2", 16))

  local ip = ptr("ipv4", "\x46\xb9\x05\xdc\x12\x34\xa0\x0a\x40\x06\xbe\xef"
                 .. "\1\2\3\4\5\6\7\8")
  T.eq(ip.version, 4); T.eq(ip.ihl, 6); T.eq(ip.dscp, 0x2e); T.eq(ip.ecn, 1)
  T.eq(ip.totallength, 1500); T.eq(ip.ident, 0x1234)
  T.eq(ip.flagnull, true); T.eq(ip.flagdf, false); T.eq(ip.flagmf, true)
  T.eq(ip.fragoffset, 10); T.eq(ip.timetolive, 64); T.eq(ip.protocol, 6)
  T.eq(ip.checksum, 0xbeef)
  T.eq(ip.source.a, 1); T.eq(ip.source.d, 4); T.eq(ip.destination.b, 6)

  local tcp = ptr("tcp", pack(">I2I2I4I4BBI2I2I2", 443, 51000, 0xdeadbeef,
                              0x01020304, 0x8f, 0xd3, 1024, 0xabcd, 7))
  T.eq(tcp.sourceport, 443); T.eq(tcp.destinationport, 51000)
  T.eq(tcp.seqnum, 0xdeadbeef); T.eq(tcp.acknum, 0x01020304)
  T.eq(tcp.dataoffset, 8); T.eq(tcp.reserved, 7); T.eq(tcp.ns, true)
  -- 0xd3 = cwr ece . ack . . syn fin
  T.eq(tcp.cwr, true); T.eq(tcp.ece, true); T.eq(tcp.urg, false)
  T.eq(tcp.ack, true); T.eq(tcp.psh, false); T.eq(tcp.rst, false)
  T.eq(tcp.syn, true); T.eq(tcp.fin, true)
  T.eq(tcp.window, 1024); T.eq(tcp.checksum, 0xabcd); T.eq(tcp.urgentpointer, 7)

  local arp = ptr("arp", pack(">I2I2BBI2", 1, 0x0800, 6, 4, 2) .. "AAAAAA"
                  .. "\10\0\0\1" .. "BBBBBB" .. "\10\0\0\2")
  T.eq(arp.htype, 1); T.eq(arp.ptype, 0x0800); T.eq(arp.hlen, 6); T.eq(arp.plen, 4)
  T.eq(arp.oper, 2); T.eq(arp.sha, "AAAAAA"); T.eq(arp.spa, "\10\0\0\1")
  T.eq(arp.tha, "BBBBBB"); T.eq(arp.tpa, "\10\0\0\2")

  local sll2 = ptr("sll2", pack(">I2I2I4I2BB", 0x86dd, 0, 26, 1, 4, 6) .. "MACMAC\0\0")
  T.eq(sll2.protocol, 0x86dd); T.eq(sll2.ifindex, 26); T.eq(sll2.arphrdtype, 1)
  T.eq(sll2.packettype, 4); T.eq(sll2.addresslength, 6); T.eq(sll2.address, "MACMAC\0\0")
end)

-- the issue's reference example, verbatim but for the module names, with
-- layouts.ipv4 as the struct and checksum.ipv4 as calcchecksum
T.case("reference example builds the header a careful person writes", function()
  local ipv4hdr = require "layouts.ipv4"
  local calcchecksum = checksum.ipv4
  local m = memory.create(576)
  local p = layout.newpointer(ipv4hdr)
  layout.setpointer(p, m)
  p.version = 4
  p.ihl = 5
  p.dscp = 0
  p.ecn = 0
  p.totallength = memory.len(m)
  p.ident = 1024
  p.flagnull = false
  p.flagdf = false
  p.flagmf = false
  p.fragoffset = 0
  p.timetolive = 20
  p.protocol = 0x11
  p.source.a = 192
  p.source.b = 168
  p.source.c = 0
  p.source.d = 10
  p.destination = p.source -- bytes are copied
  p.destination.d = 1
  p.checksum = calcchecksum(m)
  -- 4500 0240 0400 0000 1411 ck c0a8 000a c0a8 0001: the words sum to
  -- 1e0ac, folded e0ad, complemented 1f52
  local want = "\x45\x00\x02\x40\x04\x00\x00\x00\x14\x11\x1f\x52"
               .. "\xc0\xa8\x00\x0a\xc0\xa8\x00\x01"
  T.eq(memory.tostring(m, 1, 20), want)
  T.eq(memory.tostring(m, 21), string.rep("\0", 556))
  T.eq(checksum.verifyipv4(m), true)
  T.eq(ipv4.tostring(p.source), "192.168.0.10")
  T.eq(ipv4.tostring(p.destination), "192.168.0.1")

  -- and tcpdump accepts it: a LINKTYPE_RAW capture of the packet
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(pack("<I4I2I2i4I4I4I4", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
  f:write(pack("<I4I4I4I4", 0, 0, 576, 576), memory.tostring(m))
  f:close()
  local pipe = assert(io.popen("tcpdump -v -n -r " .. path .. " 2>/dev/null"))
  local out = pipe:read("a")
  pipe:close()
  os.remove(path)
  T.ok(out:find("192.168.0.10", 1, true), "tcpdump output: " .. out)
  T.ok(out:find("ttl 20, id 1024", 1, true), "tcpdump output: " .. out)
  T.ok(out:find("length 576", 1, true), "tcpdump output: " .. out)
  T.ok(not out:find("bad cksum", 1, true), "tcpdump output: " .. out)
end)

-- a small valid TCP/IPv4 packet behind an Ethernet header
local function tcppacket()
  local m = memory.create(14 + 20 + 20 + 5)
  local eth = ptr("ethernet", m)
  eth.ethertype = 0x0800
  local ip = ptr("ipv4", m, 15)
  layout.autochecksum(ip, false)
  ip.version, ip.ihl, ip.totallength, ip.timetolive, ip.protocol = 4, 5, 45, 64, 6
  ipv4.set(ip.source, "10.1.2.3"); ipv4.set(ip.destination, "172.16.0.9")
  local tcp = ptr("tcp", m, 35)
  tcp.sourceport, tcp.destinationport, tcp.dataoffset = 40000, 80, 5
  tcp.seqnum, tcp.syn, tcp.window = 123456789, true, 1000
  memory.set(m, 55, string.byte("hello", 1, -1))
  T.ok(checksum.fixipv4(m, 15)); T.ok(checksum.fixl4(m, 15))
  return m
end

T.case("ipv4: writes keep the header checksum valid", function()
  local m = tcppacket()
  local ip = ptr("ipv4", m, 15)
  T.eq(checksum.verifyipv4(m, 15), true)
  for _ = 1, 63 do
    ip.timetolive = ip.timetolive - 1
    T.eq(checksum.verifyipv4(m, 15), true)
  end
  ip.flagdf, ip.ident, ip.dscp, ip.ecn = true, 0xffff, 46, 3
  ipv4.set(ip.destination, "255.255.255.255")
  T.eq(checksum.verifyipv4(m, 15), true)
  T.eq(ip.checksum, checksum.ipv4(m, 15))
  -- a pointer with the update turned off leaves the checksum stale
  layout.autochecksum(ip, false)
  ip.timetolive = 200
  T.eq(checksum.verifyipv4(m, 15), false)
end)

T.case("tcp: writes through the layout keep the TCP checksum valid", function()
  local m = tcppacket()
  local tcp = ptr("tcp", m, 35)
  T.eq(checksum.verifyl4(m, 15), true)
  tcp.destinationport = 8080
  T.eq(checksum.verifyl4(m, 15), true)
  tcp.seqnum, tcp.acknum, tcp.ack, tcp.psh, tcp.window = 0xffffffff, 42, true, true, 0
  T.eq(checksum.verifyl4(m, 15), true)
  T.eq(tcp.checksum, checksum.l4(m, 15))
  -- the IP addresses are in the pseudo-header, not the TCP words: after
  -- changing one, fixl4 is the tool
  ipv4.set(ptr("ipv4", m, 15).source, "10.1.2.4")
  T.eq(checksum.verifyl4(m, 15), false)
  checksum.fixl4(m, 15)
  T.eq(checksum.verifyl4(m, 15), true)
end)

T.case("icmp: echo fields written through the layout keep it valid", function()
  local m = memory.create(20 + 8 + 4)
  local ip = ptr("ipv4", m)
  ip.version, ip.ihl, ip.totallength, ip.protocol = 4, 5, 32, 1
  local icmp = ptr("icmp", m, 21)
  icmp.type = 8
  memory.set(m, 29, 1, 2, 3, 4)
  T.ok(checksum.fixl4(m))
  icmp.type, icmp.ident, icmp.sequence = 0, 0xbeef, 513
  T.eq(checksum.verifyl4(m), true)
end)

T.case("udp: no declared checksum, a zero stays zero", function()
  local m = memory.create(20 + 8)
  local ip = ptr("ipv4", m)
  ip.version, ip.ihl, ip.totallength, ip.protocol = 4, 5, 28, 17
  local udp = ptr("udp", m, 21)
  udp.length = 8
  udp.sourceport = 53
  T.eq(udp.checksum, 0)
  T.eq(checksum.verifyl4(m), true)
  T.ok(checksum.fixl4(m) == 0)
  udp.checksum = 1
  T.eq(checksum.verifyl4(m), false)
  checksum.fixl4(m)
  T.eq(checksum.verifyl4(m), true)
  udp.destinationport = 5353   -- not declared: the checksum is not updated
  T.eq(checksum.verifyl4(m), false)
end)

T.case("pktlua.ipv4 helpers", function()
  local ip = ptr("ipv4", string.rep("\0", 20))
  ipv4.set(ip.source, "192.168.0.10")
  T.eq(ip.source.a, 192); T.eq(ip.source.d, 10)
  T.eq(ipv4.tostring(ip.source), "192.168.0.10")
  T.eq(ipv4.tonumber(ip.source), 0xc0a8000a)
  ipv4.set(ip.destination, 0x0a000001)
  T.eq(ipv4.tostring(ip.destination), "10.0.0.1")
  T.eq(ipv4.parse("10.0.0.1"), 0x0a000001)
  T.eq(ipv4.parse("0.0.0.0"), 0)
  T.eq(ipv4.parse("255.255.255.255"), 0xffffffff)
  T.eq(ipv4.format(0xffffffff), "255.255.255.255")
  T.eq(ipv4.format(0), "0.0.0.0")
  T.eq(ipv4.format(ipv4.parse("1.2.3.4")), "1.2.3.4")
  for _, bad in ipairs{ "256.0.0.1", "1.2.3", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ",
                        "a.b.c.d", "1..2.3", "", "1.2.3.0004", "-1.2.3.4" } do
    local n, msg = ipv4.parse(bad)
    T.eq(n, nil, bad)
    T.ok(type(msg) == "string", bad)
  end
  T.eq(ipv4.parse(42), nil)
  T.errors("bad argument #1 to 'format' (value out of range)", ipv4.format, 0x100000000)
  T.errors("bad argument #1 to 'format' (value out of range)", ipv4.format, -1)
  T.errors("bad argument #1 to 'format' (number has no integer", ipv4.format, 1.5)
  T.errors("bad argument #1 to 'format' (number expected, got string)",
           ipv4.format, "1.2.3.4")
  T.errors("bad argument #2 to 'set' (malformed IPv4 address", ipv4.set, ip.source, "x")
  T.errors("bad argument #2 to 'set' (value out of range)", ipv4.set, ip.source, -5)
  T.errors("bad argument #2 to 'set' (string or number expected, got nil)",
           ipv4.set, ip.source)
  T.eq(ipv4.tostring(ip.source), "192.168.0.10")  -- failed sets wrote nothing
  -- plain tables work too
  local t = {}
  ipv4.set(t, "8.8.4.4")
  T.eq(ipv4.tostring(t), "8.8.4.4"); T.eq(t.c, 4)
end)

-- an IPv4 packet (20-byte header) with a TCP or UDP header and payload,
-- all checksums correct
local function l4packet(proto, frag)
  local l4 = proto == 6
    and pack(">I2I2I4I4BBI2I2I2", 40000, 80, 1, 0, 0x50, 0x02, 1024, 0, 0)
    or pack(">I2I2I2I2", 5353, 53, 8 + 6, 0)
  local body = l4 .. "abcdef"
  local m = memory.create(pack(">BBI2I2I2BBI2I4I4", 0x45, 0, 20 + #body, 1,
                               frag or 0, 64, proto, 0, 0x0a010203, 0xc0000201) .. body)
  checksum.fixipv4(m, 1)
  if not frag then  -- fixl4 would leave UDP's 0 ("none") as it is
    local ck = checksum.l4(m, 1)
    memory.set(m, proto == 6 and 37 or 27, ck >> 8, ck & 0xff)
  end
  return m
end

T.case("pktlua.ipv4.readdressl4 keeps TCP and UDP checksums", function()
  local S = require "layouts.ipv4addrs"
  for _, proto in ipairs{ 6, 17 } do
    for _, change in ipairs{ { 0x0a630203, 0xc0000201 }, { 0x0a010203, 0x0a630909 },
                             { 0xffffffff, 0 } } do
      local m = l4packet(proto)
      local ip = ptr("ipv4", m)
      local a = layout.setpointer(layout.newpointer(S), m, 11)
      local src, dst = a.source, a.destination
      a.source, a.destination = change[1], change[2]
      T.eq(checksum.verifyl4(m, 1), false, "broken before")
      T.eq(ipv4.readdressl4(m, #m, ip, 1, src, change[1], dst, change[2]), true)
      T.ok(checksum.verifyl4(m, 1), proto .. " checksum valid again")
      T.ok(checksum.verifyipv4(m, 1), "header checksum valid")
    end
  end
  -- UDP without a checksum (0) stays without one
  local m = l4packet(17)
  memory.set(m, 27, 0, 0)
  local ip, a = ptr("ipv4", m), layout.setpointer(layout.newpointer(S), m, 11)
  local src = a.source
  a.source = 0x01020304
  T.eq(ipv4.readdressl4(m, #m, ip, 1, src, 0x01020304, a.destination, a.destination), false)
  T.eq(memory.get(m, 27) << 8 | memory.get(m, 28), 0)
  -- not updated: a later fragment, ICMP, a transport checksum not captured
  m = l4packet(6, 0x0010)
  local before = memory.tostring(m)
  T.eq(ipv4.readdressl4(m, #m, ptr("ipv4", m), 1, 1, 2, 3, 4), false)
  T.eq(memory.tostring(m), before)
  m = l4packet(6)
  memory.set(m, 10, 1)  -- protocol ICMP
  T.eq(ipv4.readdressl4(m, #m, ptr("ipv4", m), 1, 1, 2, 3, 4), false)
  m = l4packet(6)
  T.eq(ipv4.readdressl4(m, 37, ptr("ipv4", m), 1, 1, 2, 3, 4), false)  -- ends before byte 38
  T.eq(ipv4.readdressl4(m, 38, ptr("ipv4", m), 1, 1, 2, 3, 4), true)
end)

T.case("pktlua.ipv6 helpers", function()
  local ipv6 = require "pktlua.ipv6"
  local six = ptr("ipv6", string.rep("\0", 40))
  six.source = ipv6.parse("2001:db8::1")
  T.eq(six.source, "\32\1\13\184" .. string.rep("\0", 11) .. "\1")
  T.eq(ipv6.tostring(six.source), "2001:db8::1")
  T.eq(ipv6.tostring(six.destination), "::")
  -- RFC 5952: longest zero run, first on a tie, a single 0 group stays
  for text, want in pairs{ ["2001:db8:0:0:1:0:0:1"] = "2001:db8::1:0:0:1",
                           ["2001:0db8:0:1:1:1:1:1"] = "2001:db8:0:1:1:1:1:1",
                           ["0:0:1:0:0:0:1:0"] = "0:0:1::1:0",
                           ["FE80::ABCD"] = "fe80::abcd", ["::1"] = "::1",
                           ["1::"] = "1::", ["::"] = "::" } do
    T.eq(ipv6.tostring(assert(ipv6.parse(text))), want, text)
  end
  for _, bad in ipairs{ ":::", "1::2::3", "12345::", "g::", "1:2:3:4:5:6:7",
                        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "", "1.2.3.4" } do
    local r, msg = ipv6.parse(bad)
    T.eq(r, nil, bad); T.ok(type(msg) == "string")
  end
  T.errors("bad argument #1 to 'tostring' (16-byte string expected, got 4 bytes)",
           ipv6.tostring, "abcd")
end)

T.case("one namespace: layouts.* are the structs of pktlua.layouts.*", function()
  for name in pairs(SPEC) do
    T.ok(require("layouts." .. name) == require("pktlua.layouts." .. name), name)
  end
  -- ICMPv6's header is ICMP's: the same struct, not a copy
  T.ok(require "pktlua.layouts.icmpv6" == require "pktlua.layouts.icmp")
end)

T.case("a layout past the end of the memory is out of bounds", function()
  local ip = ptr("ipv4", string.rep("\0", 19))
  T.errors("out of bounds", function() return ip.destination.d end)
  local tcp = ptr("tcp", string.rep("\0", 40), 30)
  T.errors("out of bounds", function() return tcp.urgentpointer end)
  T.errors("out of bounds", function() tcp.urgentpointer = 1 end)
  layout.setpointer(tcp, memory.create(string.rep("\0", 40)), 21)  -- fits
  T.eq(tcp.urgentpointer, 0)
end)

os.exit(T.summary())
