-- test_layout_bits.lua: bit placement through the Lua API
-- against a Lua reference of DESIGN.md's rule, one bit at a time: every
-- width at every offset in every byte order, mixed orders and nested
-- structs at odd bits, 64-bit wrap-around.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"
local F = require "layout_fixtures"
local randfill, randbits, hostbig, hex = F.randfill, F.randbits, F.hostbig, F.hex

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

os.exit(T.summary())
