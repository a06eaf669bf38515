-- test_layout_checksum.lua: checksum fields: the stored checksum
-- follows every write (RFC 1624) against a full recompute, at odd bytes,
-- for multi-word fields; autochecksum off.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"
local F = require "layout_fixtures"
local okck, checksum = pcall(require, "checksum")
if not okck then checksum = nil end
local rfc1071, randfill, randbits, IPCK = F.rfc1071, F.randfill, F.randbits, F.IPCK
-- the same header without a checksum field (nor the odd tail)
local plainspec = F.ipspec()
plainspec.checksum, plainspec[#plainspec] = nil, nil
local ipv4hdr = layout.struct(plainspec)

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

os.exit(T.summary())
