-- bench_streams.lua: parsing records with memory.reader against
-- memory.unpack and string.unpack (run by hand; numbers in doc/memory.md).
--
--   LUA_CPATH="<build>/lua/?.so" lua5.4 bench/memory/bench_streams.lua [WAY] [N]
--
-- The record is a DNS header (six big-endian 16-bit fields, 12 bytes) and
-- a TLV (1-byte type, 2-byte length, that many bytes of value: 4 here),
-- N records of each, parsed field by field. WAY runs one way only (for
-- callgrind: bench/memory/callgrind_streams.sh); without it, every way is
-- timed, best of 5 rounds.
local memory = require "memory"

local way = arg[1] or "all"
local N = tonumber(arg[2]) or 1000000
local unpack, reader = memory.unpack, memory.reader
local sunpack = string.unpack

local REC = 12 + 7
local parts = {}
for i = 1, 256 do
  parts[i] = string.pack(">I2I2I2I2I2I2BI2I4", i, 0x8180, 1, i % 3, 0, 1,
                         i % 16, 4, i * 7)
end
local s = table.concat(parts)
local m = memory.create(s)
local span = #s

local ways = {}

ways.reader = function(n)
  local r = reader(m)
  local acc = 0
  for i = 1, n do
    if r:remaining() < REC then r:seek(1) end
    local id, flags = r:uint(2), r:uint(2)
    local qd, an, ns, ar = r:uint(2), r:uint(2), r:uint(2), r:uint(2)
    local t, l = r:uint(1), r:uint(2)
    local v = r:uint(l)
    acc = acc + id + flags + qd + an + ns + ar + t + v
  end
  return acc
end

ways.memunpack = function(n)
  local pos, acc = 1, 0
  for i = 1, n do
    if pos > span then pos = 1 end
    local id, flags, qd, an, ns, ar, t, l, p = unpack(m, ">I2I2I2I2I2I2BI2", pos)
    local v
    v, pos = unpack(m, ">I" .. l, p)
    acc = acc + id + flags + qd + an + ns + ar + t + v
  end
  return acc
end

ways.strunpack = function(n)
  local pos, acc = 1, 0
  for i = 1, n do
    if pos > span then pos = 1 end
    local id, flags, qd, an, ns, ar, t, l, p = sunpack(">I2I2I2I2I2I2BI2", s, pos)
    local v
    v, pos = sunpack(">I" .. l, s, p)
    acc = acc + id + flags + qd + an + ns + ar + t + v
  end
  return acc
end

-- the three agree
local a, b, c = ways.reader(1000), ways.memunpack(1000), ways.strunpack(1000)
assert(a == b and b == c, "the ways disagree")

if way ~= "all" then
  ways[way](N)
  return
end
local best = {}
for _ = 1, 5 do
  for _, w in ipairs{"reader", "memunpack", "strunpack"} do
    local t = os.clock()
    ways[w](N)
    t = os.clock() - t
    if not best[w] or t < best[w] then best[w] = t end
  end
end
for _, w in ipairs{"reader", "memunpack", "strunpack"} do
  print(("%-10s %6.1f ns/record"):format(w, best[w] / N * 1e9))
end
