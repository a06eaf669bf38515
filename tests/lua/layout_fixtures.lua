-- layout_fixtures.lua: what the layout suites (test_layout*.lua) share:
-- RFC 1071 in plain Lua, hex, random bytes and values, and the structs
-- more than one suite points at.
local memory = require "memory"
local layout = require "layout"
local F = {}

F.hostbig = string.pack("=I2", 1) == "\0\1"

-- RFC 1071 in plain Lua, used when the checksum module is not built and as
-- an independent second opinion when it is
function F.rfc1071 (m, i, j)
  local sum = 0
  for k = i, j, 2 do
    local hi = memory.get(m, k)
    local lo = k + 1 <= j and memory.get(m, k + 1) or 0
    sum = sum + (hi << 8) + lo
  end
  while sum > 0xffff do sum = (sum & 0xffff) + (sum >> 16) end
  return ~sum & 0xffff
end

function F.hex (m, i, j)
  return (memory.tostring(m, i, j):gsub(".", function (c)
    return string.format("%02x", c:byte())
  end))
end

function F.fromhex (s)
  return (s:gsub("%x%x", function (h) return string.char(tonumber(h, 16)) end))
end

function F.randfill (m)
  for i = 1, memory.len(m) do memory.set(m, i, math.random(0, 255)) end
end

function F.randbits (w)
  local v = math.random(0, 0xffffffff) << 32 | math.random(0, 0xffffffff)
  if w < 64 then v = v & ((1 << w) - 1) end
  return v
end

-- S4: 32 bits of every kind of field, a nested struct last
F.S4 = layout.struct{
  { key = "a", bits = 3, endian = "big" },
  { key = "b", bits = 13, endian = "little" },
  { key = "s", type = "string", bytes = 1 },
  { key = "f", type = "boolean", bits = 1 },
  { key = "in", type = "struct", { key = "x", bits = 7 } },
}  -- 32 bits

-- ipspec(): a fresh spec of the reference IPv4 header with a checksum
-- field, and an odd tail (a 21-byte struct: the last 16-bit word padded)
function F.ipspec ()
  return {
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
end
F.IPCK = layout.struct(F.ipspec())

return F
