-- test_layout.lua: the `layout` module through Lua: the issue's reference
-- IPv4 example (checked byte by byte and by tcpdump), introspection and
-- allocation-free access. Bit placement, specs, pointers and checksum
-- fields: test_layout_bits, _specs, _pointers, _checksum.lua.
local T = require "testlib"
memory = require "memory"
layout = require "layout"
local okck, checksum = pcall(require, "checksum")
if not okck then checksum = nil end
local F = require "layout_fixtures"
local rfc1071, hex, IPCK, S4 = F.rfc1071, F.hex, F.IPCK, F.S4

-- ======================================================================
-- The reference example, verbatim but for calcchecksum
-- ======================================================================
local function calcchecksum (m)
  if checksum then return checksum.inet(m, 1, 20) end
  return rfc1071(m, 1, 20)
end

T.case("reference IPv4 example", function ()
ipv4hdr = layout.struct{
	{ key="version"    , type="number",  bits=4,  endian="big" },
	{ key="ihl"        , type="number",  bits=4,  endian="big" },
	{ key="dscp"       , type="number",  bits=6,  endian="big" },
	{ key="ecn"        , type="number",  bits=2,  endian="big" },
	{ key="totallength", type="number",  bytes=2, endian="big" },
	{ key="ident"      , type="number",  bytes=2, endian="big" },
	{ key="flagnull"   , type="boolean", bits=1,  endian="big" },
	{ key="flagdf"     , type="boolean", bits=1,  endian="big" },
	{ key="flagmf"     , type="boolean", bits=1,  endian="big" },
	{ key="fragoffset" , type="number",  bits=13, endian="big" },
	{ key="timetolive" , type="number",  bytes=1               },
	{ key="protocol"   , type="number",  bytes=1               },
	{ key="checksum"   , type="number",  bytes=2, endian="big" },
	{ key="source"     , type="struct",
		{ key="a"        , type="number",  bytes=1 },
		{ key="b"        , type="number",  bytes=1 },
		{ key="c"        , type="number",  bytes=1 },
		{ key="d"        , type="number",  bytes=1 },
	},
	{ key="destination", type="struct",
		{ key="a"        , type="number",  bytes=1 },
		{ key="b"        , type="number",  bytes=1 },
		{ key="c"        , type="number",  bytes=1 },
		{ key="d"        , type="number",  bytes=1 },
	},
}
m = memory.create(576)
p = layout.newpointer(ipv4hdr)
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
p.checksum = calcchecksum(m)   -- with pktlua's checksum helper in place of calcchecksum

  -- by hand: 45 | 00 | 0240 (576) | 0400 (1024) | 0000 (no flags, offset 0)
  -- | 14 (ttl 20) | 11 (UDP) | checksum | c0a8000a | c0a80001
  -- checksum: 4500+0240+0400+0000+1411+c0a8+000a+c0a8+0001 = 1e0ac,
  -- folded e0ad, complemented 1f52
  T.eq(hex(m, 1, 20), "450002400400000014111f52c0a8000ac0a80001")
  T.eq(rfc1071(m, 1, 20), 0)  -- a valid header sums to 0xffff
  T.eq(hex(m, 21, 576), string.rep("00", 556))  -- nothing else touched
  T.eq(p.checksum, 0x1f52)
  T.eq(p.destination.a, 192)
  T.eq(p.destination.d, 1)
  T.eq(p.flagdf, false)
end)

-- tcpdump as the oracle: a pcap with one LINKTYPE_RAW record
local function writepcap (path, data)
  local f = assert(io.open(path, "wb"))
  f:write(string.pack("<I4I2I2i4I4I4I4", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
  f:write(string.pack("<I4I4I4I4", 1, 0, #data, #data), data)
  f:close()
end

local function tcpdump (path)
  local h = io.popen("tcpdump -v -n -r " .. path .. " 2>&1")
  local out = h:read("a")
  h:close()
  return out
end

local havetcpdump = os.execute("command -v tcpdump >/dev/null 2>&1")

T.case("tcpdump accepts the reference header", function ()
  if not havetcpdump then print("skip: no tcpdump") return end
  local path = os.tmpname()
  writepcap(path, memory.tostring(m))
  local out = tcpdump(path)
  T.ok(out:find("ttl 20", 1, true), out)
  T.ok(out:find("id 1024", 1, true), out)
  T.ok(out:find("length 576", 1, true), out)
  T.ok(out:find("proto UDP (17)", 1, true), out)
  T.ok(out:find("192.168.0.10", 1, true), out)
  T.ok(out:find("192.168.0.1", 1, true), out)
  T.ok(not out:find("bad cksum", 1, true), out)
  -- the oracle can fail: a wrong checksum is reported
  local bad = memory.create(m)
  memory.set(bad, 12, memory.get(bad, 12) ~ 1)
  writepcap(path, memory.tostring(bad))
  out = tcpdump(path)
  T.ok(out:find("bad cksum", 1, true), out)
  os.remove(path)
end)

-- ======================================================================
-- Introspection
-- ======================================================================
T.case("sizeof and offsetof", function ()
  T.eq(select("#", layout.sizeof(ipv4hdr)), 2)
  local bytes, bits = layout.sizeof(ipv4hdr)
  T.eq(bytes, 20); T.eq(bits, 160)
  bytes, bits = layout.sizeof(IPCK)
  T.eq(bytes, 21); T.eq(bits, 168)
  bytes, bits = layout.sizeof(p)
  T.eq(bytes, 20)
  bytes, bits = layout.sizeof(p.source)
  T.eq(bytes, 4); T.eq(bits, 32)
  bytes, bits = layout.sizeof(S4)
  T.eq(bytes, 4); T.eq(bits, 32)
  local ms = layout.struct{ { key = "a", bits = 3 } }
  bytes, bits = layout.sizeof(ms)
  T.eq(bytes, 1); T.eq(bits, 3)
  local o, ob = layout.offsetof(ipv4hdr, "fragoffset")
  T.eq(o, 6); T.eq(ob, 51)
  o, ob = layout.offsetof(ipv4hdr, "destination.c")
  T.eq(o, 18); T.eq(ob, 144)
  o, ob = layout.offsetof(p, "checksum")
  T.eq(o, 10); T.eq(ob, 80)
  o, ob = layout.offsetof(p.destination, "c")  -- from the nested struct
  T.eq(o, 2); T.eq(ob, 16)
  T.errors("no field", layout.offsetof, ipv4hdr, "nope")
  T.errors("no field", layout.offsetof, ipv4hdr, "source.e")
  T.errors("no field", layout.offsetof, ipv4hdr, "ihl.x")
  T.errors("bad argument #1 to '", layout.sizeof, {})
  T.eq(tostring(ipv4hdr), "layout struct (20 bytes, 160 bits)")
end)

T.case("pairs in declaration order, padding skipped", function ()
  local keys, vals = {}, {}
  for k, v in pairs(p) do keys[#keys + 1] = k; vals[k] = v end
  T.eq(table.concat(keys, " "), "version ihl dscp ecn totallength ident "
       .. "flagnull flagdf flagmf fragoffset timetolive protocol checksum "
       .. "source destination")
  T.eq(vals.ident, 1024)
  T.eq(vals.flagmf, false)
  T.eq(vals.source.d, 10)
  T.eq(rawequal(vals.source, p.source), true)  -- the same nested pointer
  keys = {}
  for k, v in pairs(p.destination) do keys[#keys + 1] = k .. "=" .. v end
  T.eq(table.concat(keys, ","), "a=192,b=168,c=0,d=1")
  local P = layout.struct{ { bits = 3 }, { key = "a", bits = 5 }, { bits = 8 }, { key = "b", bytes = 1 } }
  keys = {}
  for k in pairs(layout.setpointer(layout.newpointer(P), memory.create(3))) do
    keys[#keys + 1] = k
  end
  T.eq(table.concat(keys, ","), "a,b")
end)

T.case("tostring shows names and values", function ()
  T.eq(tostring(p), "layout pointer {version=4, ihl=5, dscp=0, ecn=0, "
       .. "totallength=576, ident=1024, flagnull=false, flagdf=false, "
       .. "flagmf=false, fragoffset=0, timetolive=20, protocol=17, "
       .. "checksum=8018, source={a=192, b=168, c=0, d=10}, "
       .. "destination={a=192, b=168, c=0, d=1}}")
  T.eq(tostring(p.source), "layout pointer {a=192, b=168, c=0, d=10}")
  local Sx = layout.struct{ { key = "mac", type = "string", bytes = 4 } }
  local q = layout.setpointer(layout.newpointer(Sx), memory.create("A\0\"\255"))
  T.eq(tostring(q), 'layout pointer {mac="A\\x00\\x22\\xff"}')
  T.eq(tostring(layout.newpointer(Sx)), "layout pointer (out of bounds)")
  T.eq(getmetatable(q), "layout pointer")  -- metamethods stay private
end)

-- ======================================================================
-- No allocation per access
-- ======================================================================
T.case("no heap growth over 1e6 accesses", function ()
  local mm = memory.create(40)
  local q = layout.setpointer(layout.newpointer(ipv4hdr), mm, 3)
  local c = layout.setpointer(layout.newpointer(IPCK), mm, 3)
  local r = memory.create()  -- referenced memory: the other access path
  memory.resize(r, 20)
  local qr = layout.setpointer(layout.newpointer(ipv4hdr), r)
  collectgarbage()
  collectgarbage("stop")
  local before = collectgarbage("count")
  local x = 0
  for i = 1, 1000000 do
    q.timetolive = i & 0xff
    x = x + q.timetolive + q.fragoffset
    q.source.a = q.destination.d
    q.flagdf = not q.flagdf
    c.ident = i & 0xffff
    c.destination = c.source
    qr.timetolive = qr.source.b
  end
  local after = collectgarbage("count")
  collectgarbage("restart")
  T.eq(after - before, 0, "KiB allocated")
  T.ok(x > 0)
end)

os.exit(T.summary())
