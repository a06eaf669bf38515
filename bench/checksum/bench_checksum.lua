-- bench_checksum.lua: cost of the `checksum` module's calls from Lua
-- (call overhead included), for comparison with bench_cksum's C numbers.
--
--   LUA_CPATH="<build>/lua/?.so;;" lua5.4 bench/checksum/bench_checksum.lua [N]
local memory = require "memory"
local checksum = require "checksum"

local N = tonumber(arg and arg[1]) or 1000000

local function bench(name, f, bytes)
  f() -- warm up
  local best = math.huge
  for _ = 1, 3 do
    local t0 = os.clock()
    f()
    best = math.min(best, os.clock() - t0)
  end
  local ns = best / N * 1e9
  if bytes then
    print(string.format("%-28s %8.1f ns/call %7.2f GB/s", name, ns, bytes / ns))
  else
    print(string.format("%-28s %8.1f ns/call", name, ns))
  end
end

for _, size in ipairs{ 64, 576, 1500, 9000 } do
  local m = memory.create(size)
  for i = 1, size do memory.set(m, i, (i * 131 + 7) & 0xff) end
  local inet = checksum.inet
  bench("inet " .. size .. " B", function()
    for _ = 1, N do inet(m) end
  end, size)
end

local update16, update32 = checksum.update16, checksum.update32
bench("update16", function()
  local ck = 0x1234
  for i = 1, N do ck = update16(ck, i & 0xffff, 7) end
end)
bench("update32", function()
  local ck = 0x1234
  for i = 1, N do ck = update32(ck, i, 7) end
end)

-- a 1500-byte TCP/IPv4 packet
local pkt = memory.create(1500)
memory.set(pkt, 1, 0x45, 0, 0x05, 0xdc, 0, 0, 0x40, 0, 64, 6, 0, 0,
           10, 0, 0, 1, 10, 0, 0, 2)
memory.set(pkt, 33, 0x50)
local verifyipv4, fixipv4 = checksum.verifyipv4, checksum.fixipv4
local verifyl4, fixl4 = checksum.verifyl4, checksum.fixl4
bench("fixipv4", function() for _ = 1, N do fixipv4(pkt) end end)
bench("verifyipv4", function() for _ = 1, N do verifyipv4(pkt) end end)
bench("fixl4 TCP 1480 B", function() for _ = 1, N do fixl4(pkt) end end, 1480)
bench("verifyl4 TCP 1480 B", function() for _ = 1, N do verifyl4(pkt) end end, 1480)
