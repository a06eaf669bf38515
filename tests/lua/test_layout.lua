-- test_layout.lua: the `layout` module through Lua: the issue's reference
-- IPv4 example (checked byte by byte and by tcpdump), bit placement against
-- a Lua reference of DESIGN.md's rule, errors, bounds, checksum fields,
-- introspection and allocation-free access.
local T = require "testlib"
memory = require "memory"
layout = require "layout"
local okck, checksum = pcall(require, "checksum")
if not okck then checksum = nil end

-- RFC 1071 in plain Lua, used when the checksum module is not built and as
-- an independent second opinion when it is
local function rfc1071 (m, i, j)
  local sum = 0
  for k = i, j, 2 do
    local hi = memory.get(m, k)
    local lo = k + 1 <= j and memory.get(m, k + 1) or 0
    sum = sum + (hi << 8) + lo
  end
  while sum > 0xffff do sum = (sum & 0xffff) + (sum >> 16) end
  return ~sum & 0xffff
end

local function hex (m, i, j)
  return (memory.tostring(m, i, j):gsub(".", function (c)
    return string.format("%02x", c:byte())
  end))
end

local function fromhex (s)
  return (s:gsub("%x%x", function (h) return string.char(tonumber(h, 16)) end))
end

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
-- Bit placement against the rule, one bit at a time
-- ======================================================================

-- bit j of a field (width w at bit o, in byte order big) lives in
-- byte index (1-based, from the struct start) and bit (0 = LSB) returned
local function refpos (o, w, big, j)
  local s = o % 8
  local n = (s + w + 7) // 8
  local k = j + (big and (8 * n - s - w) or s)
  local byte = o // 8 + (big and (n - 1 - k // 8) or k // 8)
  return byte + 1, k % 8
end

local function refget (m, base, o, w, big)
  local v = 0
  for j = 0, w - 1 do
    local byte, bit = refpos(o, w, big, j)
    v = v | (((memory.get(m, base + byte - 1) >> bit) & 1) << j)
  end
  return v
end

local function refput (m, base, o, w, big, v)
  for j = 0, w - 1 do
    local byte, bit = refpos(o, w, big, j)
    local i = base + byte - 1
    local b = memory.get(m, i) & ~(1 << bit)
    memory.set(m, i, b | (((v >> j) & 1) << bit))
  end
end

local function randfill (m)
  for i = 1, memory.len(m) do memory.set(m, i, math.random(0, 255)) end
end

local function randbits (w)
  local v = math.random(0, 0xffffffff) << 32 | math.random(0, 0xffffffff)
  if w < 64 then v = v & ((1 << w) - 1) end
  return v
end

local hostbig = string.pack("=I2", 1) == "\0\1"

T.case("every width 1..64 at bit offsets 0..17, all byte orders", function ()
  math.randomseed(7)
  local a, b = memory.create(16), memory.create(16)
  for _, endian in ipairs{"big", "little", "native"} do
    local big = endian == "big" or (endian == "native" and hostbig)
    for w = 1, 64 do
      for o = 0, 17 do
        local spec = {}
        if o > 0 then spec[1] = { bits = o } end  -- padding: no key
        spec[#spec + 1] = { key = "v", bits = w, endian = endian }
        local ptr = layout.newpointer(layout.struct(spec))
        layout.setpointer(ptr, a, 3)
        for _ = 1, 3 do
          randfill(a)
          memory.set(b, 1, memory.get(a, 1, 16))
          T.eq(ptr.v, refget(a, 3, o, w, big), endian .. w .. "@" .. o)
          local v = randbits(w)
          ptr.v = v
          refput(b, 3, o, w, big, v)
          T.eq(memory.tostring(a), memory.tostring(b), endian .. w .. "@" .. o)
          T.eq(ptr.v, v)
        end
      end
    end
  end
end)

T.case("mixed byte orders, nested structs at odd bits, booleans, strings",
       function ()
  local S = layout.struct{
    { key = "b5", bits = 5, endian = "big" },
    { key = "in", type = "struct",
      { key = "l11", bits = 11, endian = "little" },
      { key = "f", type = "boolean", bits = 1 },
      { key = "deep", type = "struct",
        { bits = 2 },
        { key = "b9", bits = 9, endian = "big" },
      },
    },
    { key = "s", type = "string", bytes = 3 },
    { key = "n16", bytes = 2, endian = "native" },
  }
  T.eq(select(2, layout.sizeof(S)), 56 + 16)
  T.eq(select(2, layout.offsetof(S, "in")), 5)
  T.eq(select(2, layout.offsetof(S, "in.deep.b9")), 5 + 11 + 1 + 2)
  T.eq(select(2, layout.offsetof(S, "s")), 32)
  local a, b = memory.create(12), memory.create(12)
  local q = layout.newpointer(S)
  layout.setpointer(q, a, 2)
  math.randomseed(11)
  for _ = 1, 200 do
    randfill(a)
    memory.set(b, 1, memory.get(a, 1, 12))
    T.eq(q.b5, refget(a, 2, 0, 5, true))
    T.eq(q["in"].l11, refget(a, 2, 5, 11, false))
    T.eq(q["in"].f, refget(a, 2, 16, 1, hostbig) == 1)
    T.eq(q["in"].deep.b9, refget(a, 2, 19, 9, true))
    T.eq(q.n16, refget(a, 2, 32 + 24, 16, hostbig))
    local v1, v2, v3, v4 = randbits(5), randbits(11), randbits(9), randbits(16)
    local fl = math.random(0, 1) == 1
    q.b5 = v1; refput(b, 2, 0, 5, true, v1)
    q["in"].l11 = v2; refput(b, 2, 5, 11, false, v2)
    q["in"].f = fl; refput(b, 2, 16, 1, hostbig, fl and 1 or 0)
    q["in"].deep.b9 = v3; refput(b, 2, 19, 9, true, v3)
    q.n16 = v4; refput(b, 2, 56, 16, hostbig, v4)
    q.s = "x\0y"; memory.set(b, 2 + 4, 120, 0, 121)
    T.eq(memory.tostring(a), memory.tostring(b))
    T.eq(q.s, "x\0y")
  end
end)

T.case("64-bit fields wrap like string.pack's I8", function ()
  local S = layout.struct{ { bits = 3 }, { key = "v", bits = 64, endian = "big" } }
  local mm = memory.create(9)
  local q = layout.setpointer(layout.newpointer(S), mm)
  q.v = -1
  T.eq(q.v, -1)
  T.eq(hex(mm), "1fffffffffffffffe0")
  q.v = math.mininteger
  T.eq(q.v, math.mininteger)
  T.eq(hex(mm), "1000000000000000" .. "00")
end)

-- ======================================================================
-- Errors
-- ======================================================================
T.case("spec errors: unsupported type", function ()
  local bad = {
    { { key = "s", type = "string", bits = 12 } },
    { { key = "n", bits = 65 } },
    { { key = "n", bytes = 9 } },
    { { key = "b", type = "boolean", bits = 65 } },
    { { key = "n", type = "float", bits = 32 } },
    { { key = "n", bits = 8, endian = "middle" } },
    { { key = "n", bits = 0 } },
    { { key = "n", bits = -8 } },
    { { key = "n", bits = 8.5 } },
    { { key = "n", bits = "8" } },
    { { key = "n", bits = 8, bytes = 1 } },
    { { key = "n" } },
    { { key = "n", type = 3, bits = 8 } },
    { { key = "f", type = "boolean", bits = 1 }, { key = "s", type = "string", bits = 8 } },
    { { key = "x", bits = 4 }, { key = "in", type = "struct", { key = "s", type = "string", bytes = 1 } } },
    { { key = "in", type = "struct", bits = 4, { key = "a", bits = 5 } } },
    { { key = "n", bytes = math.maxinteger } },
  }
  for i, spec in ipairs(bad) do
    local err = T.errors("unsupported type", layout.struct, spec)
    T.ok(err:find("bad argument #1 to '", 1, true), i .. ": " .. err)
  end
  -- checksum fields: 16-bit numbers on a byte of the outermost struct
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "c", bytes = 1 } })
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "c", bits = 17 } })
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "x", bits = 4 }, { key = "c", bits = 16 } })
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "c", type = "string", bytes = 2 } })
  T.errors("checksum must name a field", layout.struct,
           { checksum = "nope", { key = "c", bytes = 2 } })
  T.errors("checksum must name a field", layout.struct,
           { checksum = "a", { key = "in", type = "struct", { key = "a", bytes = 2 } } })
end)

T.case("spec errors: misuse", function ()
  T.errors("bad argument #1 to '", layout.struct, 42)
  T.errors("table expected", layout.struct, 42)
  T.errors("field #2 is not a table", layout.struct, { { bits = 1 }, 7 })
  T.errors("duplicate key 'a'", layout.struct, { { key = "a", bits = 1 }, { key = "a", bits = 1 } })
  T.errors("key must be a string", layout.struct, { { key = 1, bits = 1 } })
  T.errors("zero byte", layout.struct, { { key = "a\0b", bits = 1 } })
  -- the same key in different nested structs is fine
  layout.struct{ { key = "a", bits = 1 }, { key = "s", type = "struct", { key = "a", bits = 1 } } }
  -- a spec that grows while it is compiled (its __index runs in between):
  -- each option is read once, so what was read is what is compiled
  local calls = 0
  local sneaky = setmetatable({}, { __index = function (t, k)
    if k == "type" then
      calls = calls + 1
      if calls > 1 then for j = 1, 50 do rawset(t, j, { key = "n" .. j, bits = 1 }) end end
      return "struct"
    end
  end })
  T.eq(layout.sizeof(layout.struct{ sneaky }), 0)
  T.eq(calls, 1)
  local deep = { key = "x", bits = 1 }
  for _ = 1, 100 do deep = { key = "s", type = "struct", deep } end
  T.errors("nested too deep", layout.struct, { deep })
  local many = {}
  for j = 1, 65536 do many[j] = { bits = 1 } end
  T.errors("too many fields", layout.struct, many)
  many[65536] = nil
  T.eq(select(2, layout.sizeof(layout.struct(many))), 65535)
end)

T.case("spec read once: a spec that changes its answers cannot recurse", function ()
  -- issue 11: `type` reads "number" when the fields were counted and
  -- "struct" (whose first field is itself) when they were compiled; the
  -- nesting limit held only in the first pass, so this recursed 65,535
  -- deep and overflowed the C stack
  local n = 0
  local f = setmetatable({ key = "s" }, { __index = function (_, k)
    if k == "type" then n = n + 1; return n == 1 and "number" or "struct" end
    if k == "bits" then return 8 end
  end })
  f[1] = f
  local spec = { f }
  for i = 2, 65535 do spec[i] = { bits = 1 } end
  local S = layout.struct(spec)  -- f read once: an 8-bit number
  T.eq(select(2, layout.sizeof(S)), 8 + 65534)
  T.eq(n, 1)
  -- a field that always says "struct" and contains itself: the limit
  -- holds on the way down
  local loop = setmetatable({ key = "s" }, { __index = function (_, k)
    if k == "type" then return "struct" end
  end })
  loop[1] = loop
  T.errors("nested too deep", layout.struct, { loop })
  -- a plain table nested in itself, too
  local self = { key = "s", type = "struct" }
  self[1] = self
  T.errors("nested too deep", layout.struct, { self })
  -- options come through __index like any Lua table's, each read once
  local reads = {}
  local counted = setmetatable({ key = "c" }, { __index = function (_, k)
    reads[k] = (reads[k] or 0) + 1
    if k == "bits" then return 4 end
  end })
  T.eq(select(2, layout.sizeof(layout.struct{ counted })), 4)
  for k, v in pairs(reads) do T.eq(v, 1, k) end
end)

T.case("struct-level endian: the default of its fields", function ()
  local m = memory.create(fromhex("0102030405060708"))
  local function read (spec)
    return layout.setpointer(layout.newpointer(layout.struct(spec)), m)
  end
  -- the default for every field without its own
  local p = read{ endian = "big", { key = "a", bytes = 2 }, { key = "b", bits = 4 },
                  { key = "c", bits = 12 } }
  T.eq(p.a, 0x0102); T.eq(p.b, 0x0); T.eq(p.c, 0x304)
  p = read{ endian = "little", { key = "a", bytes = 2 }, { key = "b", bits = 4 },
            { key = "c", bits = 12 } }
  T.eq(p.a, 0x0201); T.eq(p.b, 0x3); T.eq(p.c, 0x040)
  -- a field's own endian wins
  p = read{ endian = "big", { key = "a", bytes = 2, endian = "little" },
            { key = "b", bytes = 2 } }
  T.eq(p.a, 0x0201); T.eq(p.b, 0x0304)
  -- nested structs inherit it, unless they set their own (which their
  -- fields then inherit, and theirs in turn)
  p = read{ endian = "big",
    { key = "x", type = "struct", { key = "v", bytes = 2 } },
    { key = "y", type = "struct", endian = "little", { key = "v", bytes = 2 },
      { key = "z", type = "struct", { key = "v", bytes = 2 } },
      { key = "w", bytes = 2, endian = "big" } } }
  T.eq(p.x.v, 0x0102); T.eq(p.y.v, 0x0403); T.eq(p.y.z.v, 0x0605)
  T.eq(p.y.w, 0x0708)
  -- writes follow the same order
  p = read{ endian = "big", { key = "a", bytes = 4 } }
  p.a = 0x0a0b0c0d
  T.eq(hex(m, 1, 4), "0a0b0c0d")
  -- the same bytes as repeating endian on every field; native is the host's
  local same = layout.struct{ endian = "native", { key = "a", bytes = 4 } }
  local host = layout.struct{ { key = "a", bytes = 4 } }
  T.eq(layout.setpointer(layout.newpointer(same), m).a,
       layout.setpointer(layout.newpointer(host), m).a)
  -- with a checksum declared too
  local ck = layout.struct{ endian = "big", checksum = "c", { key = "v", bytes = 2 },
                            { key = "c", bytes = 2 } }
  local q = layout.setpointer(layout.newpointer(ck), memory.create(fromhex("00000000")))
  q.c = 0xffff; q.v = 0x1234
  T.eq(q.c, 0xffff - 0x1234)
  -- a wrong one says so
  T.errors("unsupported type (endian is 'bgi', not big, little or native)",
           layout.struct, { endian = "bgi", { key = "a", bytes = 1 } })
  T.errors("endian is a number", layout.struct, { endian = 1, { key = "a", bytes = 1 } })
  T.errors("field 'y': unsupported type (endian is 'mid'", layout.struct,
           { { key = "y", type = "struct", endian = "mid", { key = "a", bytes = 1 } } })
  -- read once, through __index like the fields' options
  local reads = 0
  local spec = setmetatable({ { key = "a", bytes = 2 } }, { __index = function (_, k)
    if k == "endian" then reads = reads + 1; return reads == 1 and "big" or "little" end
  end })
  T.eq(layout.setpointer(layout.newpointer(layout.struct(spec)), m).a, 0x0a0b)
  T.eq(reads, 1)
end)

T.case("fits: does a struct lie wholly in the bytes at a position", function ()
  local S = layout.struct{ endian = "big", { key = "a", bytes = 2 },
                           { key = "inner", type = "struct", { key = "b", bytes = 3 } } }
  local m = memory.create(7)
  -- struct, memory or string, every position around the edge
  for pos = -1, 9 do
    local want = pos >= 1 and pos + 4 <= 7
    T.eq(layout.fits(S, m, pos), want, "memory at " .. pos)
    T.eq(layout.fits(S, string.rep("x", 7), pos), want, "string at " .. pos)
  end
  T.eq(layout.fits(S, m), true)                      -- pos absent: 1
  T.eq(layout.fits(S, ""), false)
  T.eq(layout.fits(S, m, nil), false)                -- no position, no fit
  T.eq(layout.fits(S, m, math.maxinteger), false)
  T.eq(layout.fits(S, m, math.mininteger), false)
  -- a pointer stands for its struct; a nested one for its own bytes
  local p = layout.newpointer(S)
  T.eq(layout.fits(p, m, 3), true); T.eq(layout.fits(p, m, 4), false)
  T.eq(layout.fits(p.inner, m, 5), true); T.eq(layout.fits(p.inner, m, 6), false)
  -- a pointer alone: can every field be read where it is set
  T.eq(layout.fits(p), false)                        -- unset
  layout.setpointer(p, m, 3)
  T.eq(layout.fits(p), true); T.eq(layout.fits(p.inner), true)
  T.eq(p.inner.b, 0)
  layout.setpointer(p, m, 4)
  T.eq(layout.fits(p), false); T.eq(layout.fits(p.inner), false)
  T.errors("out of bounds", function () return p.inner.b end)
  -- it follows a memory's length at the time of the question
  local r = memory.create()
  memory.resize(r, 5)
  layout.setpointer(p, r, 1)
  T.eq(layout.fits(p), true)
  T.eq(layout.fits(p, r, 1), true); T.eq(layout.fits(p, r, 2), false)
  T.eq(layout.fits(p, m, 3), true)   -- another memory than its own
  T.eq(layout.fits(p, "12345"), true); T.eq(layout.fits(p, "1234"), false)
  memory.resize(r, 4)
  T.eq(layout.fits(p), false)
  T.eq(layout.fits(p, r, 1), false)  -- its own memory, at its new length
  T.eq(layout.fits(p.inner, r, 2), true)
  layout.setpointer(p, nil)
  T.eq(layout.fits(p), false)
  -- errors
  T.errors("layout pointer expected", layout.fits, S)
  T.errors("memory or string expected", layout.fits, S, 5)
  T.errors("memory or string expected", layout.fits, S, nil, 1)
  T.errors("number expected", layout.fits, S, m, "x")
  T.errors("number has no integer representation", layout.fits, S, m, 1.5)
  T.errors("bad argument #1", layout.fits, {}, m, 1)
end)

T.case("spec errors say what is wrong", function ()
  local function msg (spec) return select(2, pcall(layout.struct, spec)) end
  local function like (m, pat) T.ok(m:find(pat), m) end
  like(msg{ { key = "n", bits = 8, endian = "bgi" } },
          "field 'n': unsupported type %(endian is 'bgi', not big, little or native%)")
  like(msg{ { key = "n", bytes = 9 } },
          "field 'n': unsupported type %(bytes=9: a number or boolean has at most 64 bits%)")
  like(msg{ { key = "n", type = "float", bits = 32 } },
          "unsupported type %(type is 'float', not number, boolean, string or struct%)")
  like(msg{ { key = "n", type = 3, bits = 8 } }, "type is a number, not")
  like(msg{ { key = "n", bits = 8.5 } }, "bits=8.5 is not an integer")
  like(msg{ { key = "n", bits = "8" } }, "bits is a string, not an integer")
  like(msg{ { key = "n", bits = 0 } }, "bits=0 is out of range")
  like(msg{ { key = "n", bits = 8, bytes = 1 } }, "both bits and bytes given")
  like(msg{ { key = "n" } }, "field 'n': unsupported type %(no size")
  like(msg{ { bits = 4 }, { type = "string", bits = 12 } },
          "field #2: unsupported type %(bits=12: a string is whole bytes%)")
  like(msg{ { key = "in", type = "struct", bits = 4, { key = "a", bits = 5 } } },
          "field 'in': unsupported type %(bits=4: its fields exceed the declared size%)")
end)

T.case("pointer errors say what is wrong", function ()
  local ip = layout.setpointer(layout.newpointer(layout.struct{
    { key = "version", bits = 4 }, { bits = 4 }, { key = "timetolive", bytes = 1 },
    { key = "source", type = "struct", { key = "a", bytes = 1 }, { key = "b", bytes = 1 } },
  }), memory.create(4))
  T.errors("no field 'ttl' in struct (version, timetolive, source)",
           function () return ip.ttl end)
  T.errors("no field 'ttl' in struct (version, timetolive, source)",
           function () ip.ttl = 1 end)
  T.errors("no field 'c' in struct (a, b)", function () return ip.source.c end)
  T.errors("no field 'source.c' in struct (a, b)", layout.offsetof, ip, "source.c")
  T.errors("'version' is not a struct", layout.offsetof, ip, "version.x")
  -- a struct of many keys lists the first ones
  local many = {}
  for j = 1, 40 do many[j] = { key = "k" .. j, bits = 1 } end
  local q = layout.newpointer(layout.struct(many))
  local err = T.errors("(k1, k2, k3, ", function () return q.nope end)
  T.ok(err:find(", k24, ...)", 1, true) and not err:find("k25", 1, true), err)
  -- ...and a long key or long names are cut: the message stays a line
  local long = {}
  for j = 1, 10 do long[j] = { key = string.rep("n", 100) .. j, bits = 1 } end
  local lq = layout.newpointer(layout.struct(long))
  err = T.errors("no field '" .. string.rep("x", 48) .. "...' in struct (" ..
                 string.rep("n", 48) .. "..., ", function ()
                   return lq[string.rep("x", 1000)] end)
  T.ok(#err < 500 and err:find(", ...)", 1, true), err)
  -- an explicit nil position is an error, not position 1 (a script's nil
  -- info.l3 would otherwise read the wrong bytes silently)
  local p = layout.newpointer(layout.struct{ { key = "a", bytes = 1 } })
  T.errors("setpointer' (number expected, got nil)",
           layout.setpointer, p, memory.create(4), nil)
  T.errors("number has no integer representation", layout.setpointer, p, memory.create(4), 1.5)
  layout.setpointer(p, memory.create("\7"))  -- absent: position 1
  T.eq(p.a, 7)
end)

local S4 = layout.struct{
  { key = "a", bits = 3, endian = "big" },
  { key = "b", bits = 13, endian = "little" },
  { key = "s", type = "string", bytes = 1 },
  { key = "f", type = "boolean", bits = 1 },
  { key = "in", type = "struct", { key = "x", bits = 7 } },
}  -- 32 bits

T.case("access errors", function ()
  local q = layout.newpointer(S4)
  -- never set, then unset
  T.errors("out of bounds", function () return q.a end)
  T.errors("out of bounds", function () q.b = 1 end)
  T.errors("out of bounds", function () return q["in"].x end)
  T.errors("out of bounds", function () return q.s end)
  local mm = memory.create(4)
  layout.setpointer(q, mm)
  q.a = 7
  layout.setpointer(q, nil)
  T.errors("out of bounds", function () return q.a end)
  T.errors("out of bounds", function () q["in"].x = 1 end)
  layout.setpointer(q, mm)
  T.eq(q.a, 7)
  T.errors("unsigned overflow", function () q.a = 8 end)
  T.errors("unsigned overflow", function () q.a = -1 end)
  T.errors("unsigned overflow", function () q.b = 1 << 13 end)
  T.errors("unsigned overflow", function () q["in"].x = 128 end)
  T.eq(q.a, 7)  -- nothing written
  T.errors("size mismatch", function () q.s = "ab" end)
  T.errors("size mismatch", function () q.s = "" end)
  T.errors("size mismatch", function () q["in"] = "ab" end)
  T.errors("number has no integer representation", function () q.a = 1.5 end)
  T.errors("integer expected", function () q.a = "x" end)
  T.errors("integer expected", function () q.a = nil end)
  T.errors("boolean expected", function () q.f = 1 end)
  T.errors("string or memory expected", function () q.s = 65 end)
  T.errors("no field 'zz'", function () return q.zz end)
  T.errors("no field 'zz'", function () q.zz = 1 end)
  T.errors("no field", function () return q[1] end)
  T.errors("no field", function () q[true] = 1 end)
  q.a = 3.0  -- integral floats are fine
  T.eq(q.a, 3)
  q.s = memory.create("Z")  -- a memory works as bytes too
  T.eq(q.s, "Z")
end)

T.case("struct assignment", function ()
  local S = layout.struct{
    { key = "x", bits = 4 },
    { key = "odd", type = "struct", { key = "a", bytes = 1 } },  -- at bit 4
    { key = "r", type = "struct", bytes = 2, { key = "a", bytes = 1 }, { key = "b", bytes = 1 } },
    { key = "t", type = "struct", { key = "a", bytes = 1 }, { key = "b", bytes = 1 } },
    { key = "u", type = "struct", { key = "a", bytes = 1 } },
    { key = "h", type = "struct", { key = "a", bits = 4 } },
    { key = "k", type = "struct", { key = "a", bits = 4 } },
  }
  local mm = memory.create(8)
  local q = layout.setpointer(layout.newpointer(S), mm)
  q.r.a, q.r.b = 1, 2
  q.t = q.r
  T.eq(q.t.a, 1); T.eq(q.t.b, 2)
  q.t = "\7\8"
  T.eq(q.t.b, 8)
  T.errors("size mismatch", function () q.u = q.r end)
  T.errors("size mismatch", function () q.r = q.u end)
  T.errors("unsupported", function () q.odd = q.u end)   -- destination at bit 4
  T.errors("unsupported", function () q.u = q.odd end)   -- source at bit 4
  T.errors("unsupported", function () q.h = q.k end)     -- half a byte
  T.errors("layout pointer, string or memory expected", function () q.t = 5 end)
  -- between memories and from a whole (root) pointer of the same size
  local R = layout.struct{ { key = "a", bytes = 1 }, { key = "b", bytes = 1 } }
  local other = memory.create("\9\10")
  local rp = layout.setpointer(layout.newpointer(R), other)
  q.t = rp
  T.eq(q.t.a, 9); T.eq(q.t.b, 10)
  layout.setpointer(rp, memory.create(1))
  T.errors("out of bounds", function () q.t = rp end)
  -- overlapping copy within one memory
  local O = layout.struct{ { key = "a", type = "struct", { key = "s", type = "string", bytes = 3 } },
                           { key = "b", type = "struct", { key = "s", type = "string", bytes = 3 } } }
  local om = memory.create("abcdefgh")
  local op = layout.setpointer(layout.newpointer(O), om, 2)
  op.a = op.b
  T.eq(memory.tostring(om), "aefgefgh")
end)

T.case("bounds: every position and memory length", function ()
  for len = 0, 9 do
    for pos = 1, len + 3 do
      local mm = memory.create(len)
      for i = 1, len do memory.set(mm, i, 0xa5) end
      local q = layout.setpointer(layout.newpointer(S4), mm, pos)
      local fits = pos - 1 + 4 <= len
      local ok1 = pcall(function () return q.a end)
      local ok2 = pcall(function () q.b = 0 end)
      local ok3 = pcall(function () q.s = "x" end)
      local ok4 = pcall(function () q["in"].x = 0 end)
      local ok5 = pcall(function () return q.f end)
      local ok6 = pcall(function () return q.s end)
      T.eq(ok1 and ok2 and ok3 and ok4 and ok5 and ok6, fits, len .. "/" .. pos)
      T.eq(ok1 or ok2 or ok3 or ok4 or ok5 or ok6, fits, len .. "/" .. pos)
      -- bytes before and after the struct are untouched
      for i = 1, len do
        if i < pos or i >= pos + 4 then T.eq(memory.get(mm, i), 0xa5) end
      end
      if not fits then
        T.errors("out of bounds", function () return q.a end)
        T.eq(tostring(q), "layout pointer (out of bounds)")
      end
    end
  end
  T.errors("position out of range", layout.setpointer, layout.newpointer(S4), memory.create(4), 0)
  T.errors("position out of range", layout.setpointer, layout.newpointer(S4), memory.create(4), -1)
  T.errors("bad argument #2 to '", layout.setpointer, layout.newpointer(S4), "abcd")
  T.errors("memory expected", layout.setpointer, layout.newpointer(S4), "abcd")
  T.errors("bad argument #1 to '", layout.setpointer, {}, memory.create(4))
  T.errors("nested struct", layout.setpointer, layout.newpointer(S4)["in"], memory.create(4))
  T.errors("bad argument #1 to '", layout.newpointer, {})
  -- huge positions do not wrap around
  local q = layout.setpointer(layout.newpointer(S4), memory.create(4), math.maxinteger)
  T.errors("out of bounds", function () return q.a end)
end)

T.case("resizable memories: length checked at each access", function ()
  local mm = memory.create()
  local q = layout.setpointer(layout.newpointer(S4), mm, 2)
  T.errors("out of bounds", function () return q.a end)
  memory.resize(mm, 5)
  q.a = 5
  q["in"].x = 100
  T.eq(q.a, 5)
  T.eq(q["in"].x, 100)
  memory.resize(mm, 4)
  T.errors("out of bounds", function () return q.a end)
  T.errors("out of bounds", function () return q["in"].x end)
  memory.resize(mm, 4096)  -- probably moves: the pointer follows
  T.eq(q.a, 5)  -- byte 2 survived both resizes
  q["in"].x = 99
  T.eq(q["in"].x, 99)
  T.eq((memory.get(mm, 5) >> (hostbig and 0 or 1)) & 0x7f, 99)  -- native, bit 25
end)

T.case("re-pointing: nested pointers follow memory and position", function ()
  local N = layout.struct{ { key = "h", bytes = 1 },
    { key = "o", type = "struct", { key = "i", type = "struct", { key = "v", bytes = 1 } } } }
  local function ref (s)
    local r = memory.create()
    memory.resize(r, #s, s)
    return r
  end
  local mems = { memory.create("\1\2\3\4"), ref("\5\6\7\8"), memory.create("\9\10\11\12"),
                 ref("\13\14\15\16") }
  local q = layout.newpointer(N)
  local inner = q.o.i  -- kept across re-pointing
  for round = 1, 3 do
    for k, mm in ipairs(mems) do
      for pos = 1, 2 do
        T.eq(layout.setpointer(q, mm, pos), q)
        local want = (k - 1) * 4 + pos + 1
        T.eq(q.h, want - 1)
        T.eq(q.o.i.v, want, round .. "/" .. k .. "/" .. pos)
        T.eq(inner.v, want)
        T.eq(rawequal(q.o.i, inner), true)
      end
    end
    layout.setpointer(q, nil)
    T.errors("out of bounds", function () return inner.v end)
  end
  -- a referenced memory re-pointed behind the pointer's back is followed
  local r = mems[2]
  layout.setpointer(q, r, 1)
  memory.resize(r, 0)
  memory.resize(r, 3, "\20\21\22")
  T.eq(inner.v, 21)
  memory.resize(r, 1)
  T.errors("out of bounds", function () return inner.v end)
end)

T.case("the pointer reads its memory through the memory's head", function ()
  local N = layout.struct{ { key = "h", bytes = 1 },
    { key = "o", type = "struct", { key = "v", bytes = 1 } } }
  local q = layout.newpointer(N)
  local inner = q.o
  -- the pointer alone keeps the memory (so its head) alive
  layout.setpointer(q, memory.create("\1\2\3"), 2)
  collectgarbage() collectgarbage()
  T.eq(q.h, 2)
  T.eq(inner.v, 3)
  -- the same memory again: only the position changes, and is still checked
  local mm = memory.create("\4\5\6")
  layout.setpointer(q, mm, 1)
  for pos = 1, 2 do
    layout.setpointer(q, mm, pos)
    T.eq(q.h, 3 + pos)
    T.eq(inner.v, 4 + pos)
  end
  T.errors("position out of range", function () layout.setpointer(q, mm, 0) end)
  T.errors("memory expected", function () layout.setpointer(q, "\1\2") end)
  T.eq(q.h, 5)  -- a failed setpointer leaves the view as it was
  layout.setpointer(q, nil)
  T.errors("out of bounds", function () return q.h end)
  layout.setpointer(q, nil, 7)  -- unset again: the position is ignored
  T.errors("out of bounds", function () return inner.v end)
  layout.setpointer(q, mm, 2)
  T.eq(inner.v, 6)
  -- a resizable memory closed as a to-be-closed variable: empty from then on
  local r = memory.create()
  memory.resize(r, 2, "\7\8")
  layout.setpointer(q, r)
  T.eq(inner.v, 8)
  do local c <close> = r end
  T.eq(#r, 0)
  T.errors("out of bounds", function () return q.h end)
  T.errors("out of bounds", function () q.h = 1 end)
  -- the debug library takes the memory's metatable: the pointer still
  -- sees the bytes the memory holds (never anything else)
  layout.setpointer(q, mm, 1)
  local mt = getmetatable(mm)
  debug.setmetatable(mm, nil)
  T.eq(q.h, 4)
  layout.setpointer(q, mm, 2)  -- the memory it holds: accepted as before
  T.eq(q.h, 5)
  layout.setpointer(q, nil)
  T.errors("memory expected", function () layout.setpointer(q, mm) end)
  debug.setmetatable(mm, mt)
end)

-- ======================================================================
-- Checksum fields
-- ======================================================================
local ipspec = {
  checksum = "checksum",
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
    { key="a", bytes=1 }, { key="b", bytes=1 }, { key="c", bytes=1 }, { key="d", bytes=1 } },
  { key="destination", type="struct",
    { key="a", bytes=1 }, { key="b", bytes=1 }, { key="c", bytes=1 }, { key="d", bytes=1 } },
  -- an odd tail: the last 16-bit word is padded
  { key="odd", type="struct", { key="x", bits=3, endian="little" }, { key="y", bits=5, endian="big" } },
}
local IPCK = layout.struct(ipspec)

-- stored checksum == full recompute (field zeroed) of the 21-byte struct
local function fullcheck (q, mm, base)
  local stored = q.checksum
  layout.autochecksum(q, false)
  q.checksum = 0
  local want = rfc1071(mm, base, base + 20)
  q.checksum = stored
  layout.autochecksum(q, true)
  T.eq(stored, want, "checksum")
  T.eq(rfc1071(mm, base, base + 20), 0, "verifies")
  if checksum then T.eq(checksum.inet(mm, base, base + 20), 0) end
end

T.case("checksum follows every write (RFC 1624)", function ()
  math.randomseed(3)
  local nums = { "version", "ihl", "dscp", "ecn", "totallength", "ident",
                 "fragoffset", "timetolive", "protocol" }
  local bools = { "flagnull", "flagdf", "flagmf" }
  local widths = { version=4, ihl=4, dscp=6, ecn=2, totallength=16, ident=16,
                   fragoffset=13, timetolive=8, protocol=8 }
  for base = 1, 2 do  -- the struct at an even and an odd memory index
    local mm = memory.create(30)
    randfill(mm)
    local q = layout.setpointer(layout.newpointer(IPCK), mm, base)
    layout.autochecksum(q, false)
    q.checksum = 0
    q.checksum = rfc1071(mm, base, base + 20)
    layout.autochecksum(q, true)
    for _ = 1, 3000 do
      local r = math.random(1, 7)
      if r <= 3 then
        local k = nums[math.random(#nums)]
        q[k] = randbits(widths[k])
      elseif r == 4 then
        q[bools[math.random(#bools)]] = math.random(0, 1) == 1
      elseif r == 5 then
        local s = math.random(0, 1) == 1 and q.source or q.destination
        s[({ "a", "b", "c", "d" })[math.random(4)]] = math.random(0, 255)
      elseif r == 6 then
        if math.random(0, 1) == 1 then q.destination = q.source
        else q.source = string.pack("BBBB", math.random(0, 255), 1, 2, math.random(0, 255)) end
      else
        q.odd.x = math.random(0, 7)
        q.odd.y = math.random(0, 31)
      end
      fullcheck(q, mm, base)
    end
    -- the example's decrement leaves a valid header
    q.timetolive = 64
    q.timetolive = q.timetolive - 1
    fullcheck(q, mm, base)
  end
end)

T.case("checksum at an odd byte", function ()
  local S = layout.struct{ checksum = "ck",
    { key = "a", bytes = 1 }, { key = "ck", bytes = 2, endian = "big" },
    { key = "b", bits = 13, endian = "little" }, { key = "c", bits = 3 },
    { key = "s", type = "string", bytes = 3 } }  -- 8 bytes
  local mm = memory.create(10)
  randfill(mm)
  local q = layout.setpointer(layout.newpointer(S), mm, 2)
  -- a valid start: the complemented sum of the other words, byte-swapped
  q.ck = 0
  local c = rfc1071(mm, 2, 9)
  q.ck = ((c & 0xff) << 8) | (c >> 8)
  T.eq(rfc1071(mm, 2, 9), 0)
  math.randomseed(5)
  for _ = 1, 2000 do
    local r = math.random(4)
    if r == 1 then q.a = math.random(0, 255)
    elseif r == 2 then q.b = math.random(0, 0x1fff)
    elseif r == 3 then q.c = math.random(0, 7)
    else q.s = string.char(math.random(0, 255), math.random(0, 255), 7) end
    T.eq(rfc1071(mm, 2, 9), 0)
  end
end)

-- fields of one, two and three 16-bit words (the inline update covers one
-- and two, the engine the rest), at even and odd bytes and bit offsets
T.case("checksum follows writes to multi-word fields", function ()
  local S = layout.struct{ checksum = "ck",
    { key = "ck", bytes = 2, endian = "big" },
    { key = "w32", bytes = 4, endian = "big" },        -- bytes 2-5: 2 words
    { key = "b1", bytes = 1 },                          -- byte 6
    { key = "o32", bytes = 4, endian = "little" },      -- bytes 7-10: 3 words
    { key = "u24", bytes = 3, endian = "big" },         -- bytes 11-13: 2 words
    { key = "x12", bits = 12, endian = "big" },         -- byte 14, 1.5 bytes
    { key = "y12", bits = 12, endian = "little" },      -- byte 15.5-16
    { key = "w64", bytes = 8, endian = "big" },         -- bytes 17-24: 5 words
    { key = "z3", bits = 3 }, { bits = 5 },             -- byte 25
  }  -- 26 bytes
  local widths = { w32 = 32, b1 = 8, o32 = 32, u24 = 24, x12 = 12, y12 = 12,
                   w64 = 63, z3 = 3 }
  local keys = {}
  for k in pairs(widths) do keys[#keys + 1] = k end
  table.sort(keys)
  math.randomseed(11)
  for base = 1, 2 do
    local mm = memory.create(30)
    randfill(mm)
    local q = layout.setpointer(layout.newpointer(S), mm, base)
    q.ck = 0
    q.ck = rfc1071(mm, base, base + 25)
    T.eq(rfc1071(mm, base, base + 25), 0)
    for _ = 1, 3000 do
      local k = keys[math.random(#keys)]
      q[k] = randbits(widths[k])
      T.eq(rfc1071(mm, base, base + 25), 0, k)
    end
  end
end)

T.case("autochecksum off; writing the checksum just stores", function ()
  local mm = memory.create(21)
  local q = layout.setpointer(layout.newpointer(IPCK), mm)
  q.checksum = 0x1234
  T.eq(q.checksum, 0x1234)
  q.timetolive = 9  -- on by default
  T.ok(q.checksum ~= 0x1234)
  T.eq(layout.autochecksum(q, false), q)
  local ck = q.checksum
  q.timetolive = 10
  q.source.a = 7
  q.destination = q.source
  q.flagdf = true
  T.eq(q.checksum, ck)
  -- through a nested pointer: applies to the whole pointer
  layout.autochecksum(q.source, true)
  q.timetolive = 11
  T.ok(q.checksum ~= ck)
  layout.autochecksum(q.destination, false)
  ck = q.checksum
  q.timetolive = 12
  T.eq(q.checksum, ck)
  T.errors("boolean expected", layout.autochecksum, q, 1)
  -- a struct without a checksum field: writes just store
  local plain = layout.setpointer(layout.newpointer(ipv4hdr), mm)
  plain.checksum = 0x4242
  plain.timetolive = 1
  T.eq(plain.checksum, 0x4242)
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
