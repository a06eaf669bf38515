-- test_layouts_tshark: the tunnel, IPv6 extension, PPP and DNS layouts of
-- pktlua.layouts read a packet of each kind, built here and written to a
-- capture in a temporary directory, as tshark decodes it: every field
-- tshark shows is compared with the layout's read of the same bytes.
-- Skipped (exit 77) when tshark is absent.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"

local pack = string.pack

if not os.execute("tshark --version > /dev/null 2>&1") then
  print("skipped: no tshark")
  os.exit(77)
end

local function L(name) return require("pktlua.layouts." .. name) end

-- ---------------------------------------------------------------- packets

local function eth(ethertype, payload)
  return "\x02\0\0\0\0\x02" .. "\x02\0\0\0\0\x01" .. pack(">I2", ethertype) .. payload
end

local function ipv4(proto, payload)
  return pack(">BBI2I2I2BBI2", 0x45, 0, 20 + #payload, 1, 0, 64, proto, 0)
         .. "\10\0\0\1" .. "\10\0\0\2" .. payload
end

local function udp(sport, dport, payload)
  return pack(">I2I2I2I2", sport, dport, 8 + #payload, 0) .. payload
end

local inner = ipv4(17, udp(1000, 2000, "payload"))

local function mpls(label, tc, bottom, ttl)
  return pack(">I4", label << 12 | tc << 9 | (bottom and 1 << 8 or 0) | ttl)
end

-- the SRH of RFC 8754 as routing type 4: one segment, so length 2
local srh = pack(">BBBBBBI2", 44, 2, 4, 0, 0, 0, 0) .. string.rep("\x20", 16)
local ip6payload = pack(">BBB", 43, 0, 1) .. "\4\0\0\0\0"   -- hop-by-hop: PadN
                   .. srh
                   .. pack(">BBI2I4", 17, 0, 0x123 << 3 | 1, 0xcafebabe) -- fragment
                   .. "fragment data"
local ip6 = pack(">I4I2BB", 6 << 28 | 0x12 << 20 | 0x34567, #ip6payload, 0, 64)
            .. string.rep("\x20", 15) .. "\1" .. string.rep("\x20", 15) .. "\2"
            .. ip6payload

local dnsmsg = pack(">I2I2I2I2I2I2", 0xbeef, 0x9523, 1, 0, 0, 0)
               .. "\1a\1b\0" .. pack(">I2I2", 1, 1)

local packets = {
  eth(0x8847, mpls(100, 5, false, 64) .. mpls(0xabcde, 7, true, 1) .. inner),
  eth(0x0800, ipv4(47, pack(">I2I2", 0xb000, 0x0800)
                        .. pack(">I2I2I4I4", 0x1234, 0, 0xdeadbeef, 42) .. inner)),
  eth(0x0800, ipv4(17, udp(50000, 4789, pack(">I4I4", 0x08000000, 0x123456 << 8)
                                        .. eth(0x0800, inner)))),
  eth(0x0800, ipv4(17, udp(50000, 6081, pack(">BBI2I4", 0x01, 0x80, 0x6558, 0x654321 << 8)
                                        .. pack(">I2BB", 0x0102, 0x03, 0)
                                        .. eth(0x0800, inner)))),
  eth(0x0800, ipv4(17, udp(2152, 2152, pack(">BBI2I4", 0x32, 255, 4 + #inner, 0x11223344)
                                       .. pack(">I2BB", 7, 0, 0) .. inner))),
  eth(0x86dd, ip6),
  eth(0x8864, pack(">BBI2I2", 0x11, 0, 0x1234, 2 + #inner) .. pack(">I2", 0x0021) .. inner),
  eth(0x0800, ipv4(17, udp(53, 40000, dnsmsg))),
}

-- ------------------------------------------- what each packet is checked by
-- Each check reads through the layouts where a script would (positions
-- found by walking the headers with them) and names the tshark field of
-- each value; a list is the field's occurrences in order.

local ptrs = {}
local function at(name, m, pos)
  T.ok(layout.fits(L(name), m, pos), name .. " fits at " .. pos)
  ptrs[name] = ptrs[name] or layout.newpointer(L(name))
  return layout.setpointer(ptrs[name], m, pos)
end

local checks = {
  function (m)  -- MPLS: the stack until bottom
    local v = { label = {}, tc = {}, bottom = {}, ttl = {} }
    local pos = 15
    repeat
      local e = at("mpls", m, pos)
      for k in pairs(v) do table.insert(v[k], e[k]) end
      pos = pos + 4
    until e.bottom
    T.eq(pos, 23)
    return { ["mpls.label"] = v.label, ["mpls.exp"] = v.tc,
             ["mpls.bottom"] = v.bottom, ["mpls.ttl"] = v.ttl }
  end,
  function (m)  -- GRE and its optional parts
    local g = at("gre", m, 35)
    local r = { ["gre.flags.checksum"] = g.checksumpresent,
                ["gre.flags.routing"] = g.routingpresent,
                ["gre.flags.key"] = g.keypresent,
                ["gre.flags.sequence_number"] = g.sequencepresent,
                ["gre.flags.version"] = g.version, ["gre.proto"] = g.protocol }
    local pos = 35 + layout.sizeof(g)
    if g.checksumpresent then
      r["gre.checksum"] = at("grechecksum", m, pos).checksum
      r["gre.offset"] = ptrs.grechecksum.reserved1
      pos = pos + 4
    end
    if g.keypresent then r["gre.key"] = at("grekey", m, pos).key; pos = pos + 4 end
    if g.sequencepresent then
      r["gre.sequence_number"] = at("greseq", m, pos).sequence; pos = pos + 4
    end
    T.eq(pos, 51)
    T.eq(at("ipv4", m, pos).protocol, 17)  -- the payload
    return r
  end,
  function (m)  -- VXLAN
    local v = at("vxlan", m, 43)
    T.eq(v.reserved1, 0); T.eq(v.reserved2, 0)
    return { ["vxlan.flag_i"] = v.vnivalid, ["vxlan.vni"] = v.vni }
  end,
  function (m)  -- Geneve
    local g = at("geneve", m, 43)
    T.eq(g.optlength, 1); T.eq(g.reserved1, 0)
    T.eq(at("ethernet", m, 43 + 8 + g.optlength * 4).ethertype, 0x0800)
    return { ["geneve.version"] = g.version, ["geneve.flags.oam"] = g.oam,
             ["geneve.flags.critical"] = g.critical, ["geneve.proto_type"] = g.protocol,
             ["geneve.vni"] = g.vni, ["geneve.reserved"] = g.reserved2 }
  end,
  function (m)  -- GTP-U
    local g = at("gtpu", m, 43)
    local r = { ["gtp.flags.version"] = g.version, ["gtp.flags.payload"] = g.protocoltype,
                ["gtp.flags.e"] = g.extension, ["gtp.flags.s"] = g.hassequence,
                ["gtp.flags.pn"] = g.hasnpdu, ["gtp.message"] = g.messagetype,
                ["gtp.length"] = g.length, ["gtp.teid"] = g.teid }
    T.eq(g.reserved, 0)
    if g.extension or g.hassequence or g.hasnpdu then
      local o = at("gtpuoptional", m, 51)
      r["gtp.seq_number"] = o.sequence
      T.eq(o.nextextension, 0)
    end
    return r
  end,
  function (m)  -- IPv6 extension headers, walked by their next header
    local ip = at("ipv6", m, 15)
    local r = { ["ipv6.flow"] = ip.flowlabel }
    local nh, pos = ip.nextheader, 15 + 40
    while nh == 0 or nh == 43 do
      local e = at("ipv6ext", m, pos)
      if nh == 0 then
        r["ipv6.hopopts.nxt"], r["ipv6.hopopts.len"] = e.nextheader, e.length
      else
        local rt = at("ipv6routing", m, pos)
        r["ipv6.routing.nxt"], r["ipv6.routing.len"] = rt.nextheader, rt.length
        r["ipv6.routing.type"], r["ipv6.routing.segleft"] = rt.routingtype,
                                                             rt.segmentsleft
      end
      nh, pos = e.nextheader, pos + (e.length + 1) * 8
    end
    T.eq(nh, 44)
    local f = at("ipv6frag", m, pos)
    r["ipv6.fraghdr.nxt"] = f.nextheader
    r["ipv6.fraghdr.reserved_octet"] = f.reserved
    r["ipv6.fraghdr.offset"] = f.fragoffset
    r["ipv6.fraghdr.reserved_bits"] = f.reserved2
    r["ipv6.fraghdr.more"] = f.flagmf
    r["ipv6.fraghdr.ident"] = f.ident
    return r
  end,
  function (m)  -- PPPoE session, PPP
    local s = at("pppoe", m, 15)
    local p = at("ppp", m, 15 + 6)
    T.eq(at("ipv4", m, 15 + 6 + 2).protocol, 17)
    return { ["pppoe.version"] = s.version, ["pppoe.type"] = s.type,
             ["pppoe.code"] = s.code, ["pppoe.session_id"] = s.sessionid,
             ["pppoe.payload_length"] = s.length, ["ppp.protocol"] = p.protocol }
  end,
  function (m)  -- DNS
    local d = at("dns", m, 43)
    return { ["dns.id"] = d.id, ["dns.flags.response"] = d.qr,
             ["dns.flags.opcode"] = d.opcode, ["dns.flags.authoritative"] = d.aa,
             ["dns.flags.truncated"] = d.tc, ["dns.flags.recdesired"] = d.rd,
             ["dns.flags.recavail"] = d.ra, ["dns.flags.z"] = d.z,
             ["dns.flags.authenticated"] = d.ad, ["dns.flags.checkdisable"] = d.cd,
             ["dns.flags.rcode"] = d.rcode, ["dns.count.queries"] = d.qdcount,
             ["dns.count.answers"] = d.ancount, ["dns.count.auth_rr"] = d.nscount,
             ["dns.count.add_rr"] = d.arcount }
  end,
}

-- ------------------------------------------------------------------ tshark

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))
local file = dir .. "/layouts.pcap"
local out = assert(io.open(file, "wb"))
out:write(pack("<I4I2I2i4I4I4I4", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i, p in ipairs(packets) do out:write(pack("<I4I4I4I4", i, 0, #p, #p), p) end
out:close()

local wanted, fields = {}, {}
for i, check in ipairs(checks) do
  wanted[i] = check(memory.create(packets[i]))
  for f in pairs(wanted[i]) do
    if not fields[f] then fields[f] = true; fields[#fields + 1] = f end
  end
end
table.sort(fields)

local cmd = "tshark -n -r " .. file .. " -T fields -E occurrence=a -E aggregator=,"
for _, f in ipairs(fields) do cmd = cmd .. " -e " .. f end
local pipe = assert(io.popen(cmd .. " 2>/dev/null"))
local rows = {}
for line in pipe:lines() do rows[#rows + 1] = line end
pipe:close()
os.remove(file)
os.remove(dir)
T.eq(#rows, #packets, "tshark rows")

-- tshark's text of a value as the layout reads it: decimal or 0x hex
-- integers, booleans as 1/0 or True/False
local function value (s, want)
  if type(want) == "boolean" then
    if s == "1" or s == "True" then return true end
    if s == "0" or s == "False" then return false end
    return s
  end
  return math.tointeger(tonumber(s:match("^%S+"))) or s
end

local names = { "MPLS", "GRE", "VXLAN", "Geneve", "GTP-U", "IPv6 extension headers",
                "PPPoE and PPP", "DNS" }
for i, want in ipairs(wanted) do
  T.case(names[i] .. ": the layouts read what tshark decodes", function ()
    local cols, n = {}, 0
    for c in (rows[i] .. "\t"):gmatch("([^\t]*)\t") do n = n + 1; cols[fields[n]] = c end
    for f, w in pairs(want) do
      local list = type(w) == "table" and w or { w }
      local got = {}
      for s in (cols[f] .. ","):gmatch("([^,]*),") do got[#got + 1] = value(s, list[1]) end
      T.eq(#got, #list, f .. " occurrences (tshark: '" .. cols[f] .. "')")
      for k = 1, #list do T.eq(got[k], list[k], f .. " #" .. k) end
    end
  end)
end

os.exit(T.summary())
