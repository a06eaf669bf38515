-- bench_memory.lua: micro-benchmark of the memory module (run by hand).
--
--   LUA_CPATH="<build>/lua/?.so" lua5.4 bench/memory/bench_memory.lua [N] [ROUNDS]
--
-- ns per call of get, set, fill, find, diff, pack, unpack on a small (64 B)
-- and a large (64 KiB) memory, and the ratio of memory.get / memory.set to
-- string.byte measured with the same loop. Each figure is the best of
-- ROUNDS rounds, the rounds of all operations interleaved, so that a noisy
-- machine slows every operation alike.
local memory = require "memory"

local N = tonumber(arg[1]) or 2000000
local ROUNDS = tonumber(arg[2]) or 7
local clock = os.clock

local get, set, fill, find = memory.get, memory.set, memory.fill, memory.find
local diff, pack, unpack = memory.diff, memory.pack, memory.unpack
local byte = string.byte

local function setup(size)
  local s = {}
  for i = 1, size do s[i] = string.char((i * 7) % 251) end
  s = table.concat(s)
  return s, memory.create(s)
end

-- each benchmark: a loop of n calls, returns the time it took
local function benches(size)
  local s, m = setup(size)
  local mask = (size >= 64) and 63 or size - 1  -- indices 1..64
  local needle = s:sub(-8)
  local b = {}
  b[#b + 1] = {"string.byte(s,i)", function(n)
    local t, acc = clock(), 0
    for i = 1, n do acc = acc + byte(s, (i & mask) + 1) end
    return clock() - t
  end}
  b[#b + 1] = {"memory.get(m,i)", function(n)
    local t, acc = clock(), 0
    for i = 1, n do acc = acc + get(m, (i & mask) + 1) end
    return clock() - t
  end}
  b[#b + 1] = {"memory.set(m,i,v)", function(n)
    local t = clock()
    for i = 1, n do set(m, (i & mask) + 1, i & 255) end
    return clock() - t
  end}
  local r = memory.create()  -- a reference memory, like the daemon's packet
  memory.resize(r, size, s)
  b[#b + 1] = {"memory.get(r,i) reference", function(n)
    local t, acc = clock(), 0
    for i = 1, n do acc = acc + get(r, (i & mask) + 1) end
    return clock() - t
  end}
  b[#b + 1] = {"m:get(i)", function(n)
    local t, acc = clock(), 0
    for i = 1, n do acc = acc + m:get((i & mask) + 1) end
    return clock() - t
  end}
  local scale = size > 64 and 256 or 1  -- fewer calls for whole-memory ops
  b[#b + 1] = {"memory.fill(m,v)", function(n)
    local t = clock()
    for i = 1, n // scale do fill(m, i & 255) end
    return (clock() - t) * scale
  end}
  b[#b + 1] = {"memory.find(m,tail8)", function(n)
    fill(m, s)
    local t = clock()
    for _ = 1, n // scale do find(m, needle) end
    return (clock() - t) * scale
  end}
  b[#b + 1] = {"memory.diff(m,s)", function(n)
    fill(m, s)
    local t = clock()
    for _ = 1, n // scale do diff(m, s) end
    return (clock() - t) * scale
  end}
  b[#b + 1] = {"memory.pack(m,'>I4I2',1,..)", function(n)
    local t = clock()
    for i = 1, n do pack(m, ">I4I2", 1, i, i & 0xffff) end
    return clock() - t
  end}
  b[#b + 1] = {"memory.unpack(m,'>I4I2')", function(n)
    local t = clock()
    for _ = 1, n do unpack(m, ">I4I2") end
    return clock() - t
  end}
  b[#b + 1] = {"string.unpack('>I4I2',s)", function(n)
    local t = clock()
    for _ = 1, n do string.unpack(">I4I2", s) end
    return clock() - t
  end}
  return b
end

local function run(size)
  local b = benches(size)
  local best = {}
  for r = 1, ROUNDS do
    for k, bench in ipairs(b) do
      collectgarbage()
      local t = bench[2](N)
      if r == 1 or t < best[k] then best[k] = t end
    end
  end
  print(string.format("-- %d-byte memory, N=%d, best of %d rounds", size, N, ROUNDS))
  for k, bench in ipairs(b) do
    print(string.format("%-30s %8.1f ns/call", bench[1], best[k] * 1e9 / N))
  end
  print(string.format("ratio get/byte %.2f   set/byte %.2f   get(ref)/byte %.2f   m:get/byte %.2f",
                      best[2] / best[1], best[3] / best[1], best[4] / best[1],
                      best[5] / best[1]))
  return best[2] / best[1], best[3] / best[1]
end

print(_VERSION, "memory bench")
run(64)
run(65536)
