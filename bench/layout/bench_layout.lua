-- bench_layout.lua: cost of a field access through a layout pointer, next
-- to a plain memory.get/memory.set call and to a pure-Lua layout (a
-- metatable whose __index/__newindex call per-field closures over
-- memory.unpack/memory.pack). Run by hand, see doc/layout.md:
--
--   lua5.4 bench/layout/bench_layout.lua [iterations [rounds]]
--   lua5.4 bench/layout/bench_layout.lua --case NAME iterations
--
-- Each case runs `rounds` times (default 5) and the fastest round counts,
-- which filters out most of the noise of a shared machine. --case runs one
-- case once and prints nothing: bench/layout/callgrind.sh uses it to count
-- instructions per access, a measure that load cannot disturb.
-- (LUA_CPATH must find memory.so and layout.so; the `bench_layout` CMake
-- target sets it up.)
local memory = require "memory"
local layout = require "layout"

local only = arg and arg[1] == "--case" and arg[2]
local N = tonumber(arg and (only and arg[3] or arg[1])) or 2000000
local ROUNDS = tonumber(arg and not only and arg[2]) or 5
local clock = os.clock

-- the issue's IPv4 header, with the checksum named for the autochecksum case
local spec = {
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
    { key="a", type="number", bytes=1 }, { key="b", type="number", bytes=1 },
    { key="c", type="number", bytes=1 }, { key="d", type="number", bytes=1 },
  },
  { key="destination", type="struct",
    { key="a", type="number", bytes=1 }, { key="b", type="number", bytes=1 },
    { key="c", type="number", bytes=1 }, { key="d", type="number", bytes=1 },
  },
}
local ipv4hdr = layout.struct(spec)
spec.checksum = "checksum"
local ipv4ck = layout.struct(spec)

local m = memory.create(64)
memory.set(m, 1, 0x45, 0, 0, 20, 0, 1, 0x40, 0, 64, 17, 0, 0,
           192, 168, 0, 10, 10, 0, 0, 1)
local p = layout.newpointer(ipv4hdr)
layout.setpointer(p, m, 1)
local pc = layout.newpointer(ipv4ck)
layout.setpointer(pc, m, 1)
-- a referenced memory, as the daemon's packet memory: its address and
-- length are asked from the memory C API at each access
local rm = memory.create()
memory.resize(rm, 64, m)
local pr = layout.newpointer(ipv4hdr)
layout.setpointer(pr, rm, 1)

-- ---- the pure-Lua layout: per-field closures over unpack/pack ----
local unpack, pack = memory.unpack, memory.pack
local function purestruct (fields)
  local get, set = {}, {}
  for key, f in pairs(fields) do
    local off, fmt, shift, mask = f[1], f[2], f[3], f[4]
    if f.struct then  -- a nested struct: a pre-made child object
      get[key] = function (self) return self.children[key] end
    elseif mask then  -- a bit field inside a big-endian word
      get[key] = function (self)
        return (unpack(self.mem, fmt, self.pos + off) >> shift) & mask
      end
      set[key] = function (self, v)
        local w = unpack(self.mem, fmt, self.pos + off)
        pack(self.mem, fmt, self.pos + off,
             (w & ~(mask << shift)) | ((v & mask) << shift))
      end
    else
      get[key] = function (self) return (unpack(self.mem, fmt, self.pos + off)) end
      set[key] = function (self, v) pack(self.mem, fmt, self.pos + off, v) end
    end
  end
  return {
    __index = function (self, k) return get[k](self) end,
    __newindex = function (self, k, v) set[k](self, v) end,
  }
end
local puremt = purestruct{
  version = {0, ">I1", 4, 0xf}, ihl = {0, ">I1", 0, 0xf},
  totallength = {2, ">I2"}, fragoffset = {6, ">I2", 0, 0x1fff},
  timetolive = {8, "B"}, protocol = {9, "B"}, checksum = {10, ">I2"},
  source = {struct = true}, destination = {struct = true},
}
local addrmt = purestruct{a = {0, "B"}, b = {1, "B"}, c = {2, "B"},
                          d = {3, "B"}}
local q = setmetatable({mem = m, pos = 1, children = {
  source = setmetatable({mem = m, pos = 13}, addrmt),
  destination = setmetatable({mem = m, pos = 17}, addrmt),
}}, puremt)

-- ---- timing ----
local cases = {}
local function bench (name, fn)
  if only then
    if only == name then fn(N) end
    return
  end
  cases[#cases + 1] = {name, fn}
end

-- rounds interleave the cases, so a change of load during the run hits
-- every case alike; the fastest round of each case counts
local function runall ()
  local best = {}
  for _, c in ipairs(cases) do c[2](1000) end  -- warm up
  for _ = 1, ROUNDS do
    for i, c in ipairs(cases) do
      collectgarbage()
      local t0 = clock()
      c[2](N)
      local dt = clock() - t0
      best[i] = math.min(best[i] or math.huge, dt)
    end
  end
  local results = {}
  for i, c in ipairs(cases) do results[i] = {c[1], best[i] * 1e9 / N} end
  return results
end

local get, set = memory.get, memory.set
bench("empty loop", function (n) for i = 1, n do end end)
bench("memory.get(m, 9)", function (n)
  local x for i = 1, n do x = get(m, 9) end end)
bench("memory.set(m, 9, v)", function (n)
  for i = 1, n do set(m, 9, i & 0xff) end end)
bench("p.timetolive", function (n)
  local x for i = 1, n do x = p.timetolive end end)
bench("p.timetolive = v", function (n)
  for i = 1, n do p.timetolive = i & 0xff end end)
bench("p.fragoffset (13 bits)", function (n)
  local x for i = 1, n do x = p.fragoffset end end)
bench("p.fragoffset = v", function (n)
  for i = 1, n do p.fragoffset = i & 0x1fff end end)
bench("p.source.a", function (n)
  local x for i = 1, n do x = p.source.a end end)
bench("p.source.a = v", function (n)
  for i = 1, n do p.source.a = i & 0xff end end)
bench("p.timetolive (referenced memory)", function (n)
  local x for i = 1, n do x = pr.timetolive end end)
bench("p.timetolive = v (referenced memory)", function (n)
  for i = 1, n do pr.timetolive = i & 0xff end end)
bench("memory.get(rm, 9) (referenced)", function (n)
  local x for i = 1, n do x = get(rm, 9) end end)
bench("layout.setpointer(p, rm, 1)", function (n)
  local setpointer = layout.setpointer
  for i = 1, n do setpointer(pr, rm, 1) end end)
bench("layout.fits(S, rm, 1)", function (n)
  local fits, x = layout.fits
  for i = 1, n do x = fits(ipv4hdr, rm, 1) end end)
bench("layout.fits(p, rm, 1)", function (n)
  local fits, x = layout.fits
  for i = 1, n do x = fits(pr, rm, 1) end end)
bench("layout.fits(p)", function (n)
  local fits, x = layout.fits
  for i = 1, n do x = fits(pr) end end)
bench("p.timetolive = v (autochecksum)", function (n)
  for i = 1, n do pc.timetolive = i & 0xff end end)
bench("pure-Lua q.timetolive", function (n)
  local x for i = 1, n do x = q.timetolive end end)
bench("pure-Lua q.timetolive = v", function (n)
  for i = 1, n do q.timetolive = i & 0xff end end)
bench("pure-Lua q.fragoffset", function (n)
  local x for i = 1, n do x = q.fragoffset end end)
bench("pure-Lua q.fragoffset = v", function (n)
  for i = 1, n do q.fragoffset = i & 0x1fff end end)
bench("pure-Lua q.source.a", function (n)
  local x for i = 1, n do x = q.source.a end end)
bench("pure-Lua q.source.a = v", function (n)
  for i = 1, n do q.source.a = i & 0xff end end)

if only then return end
local results = runall()
print(string.format("%d iterations x %d rounds each, fastest round (%s)", N,
                    ROUNDS, _VERSION))
print(string.format("%-34s %10s %10s", "case", "ns/op", "minus loop"))
local base = results[1][2]
local byname = {}
for _, r in ipairs(results) do
  byname[r[1]] = r[2] - base
  print(string.format("%-34s %10.1f %10.1f", r[1], r[2], r[2] - base))
end
local function ratio (a, b)
  print(string.format("%-44s %6.2fx", a .. " / " .. b, byname[a] / byname[b]))
end
print()
ratio("pure-Lua q.timetolive", "p.timetolive")
ratio("pure-Lua q.timetolive = v", "p.timetolive = v")
ratio("pure-Lua q.fragoffset", "p.fragoffset (13 bits)")
ratio("pure-Lua q.fragoffset = v", "p.fragoffset = v")
ratio("pure-Lua q.source.a", "p.source.a")
ratio("pure-Lua q.source.a = v", "p.source.a = v")
ratio("p.timetolive", "memory.get(m, 9)")
ratio("p.timetolive = v", "memory.set(m, 9, v)")
ratio("p.timetolive (referenced memory)", "memory.get(rm, 9) (referenced)")

-- heap growth over a million accesses with the collector stopped
collectgarbage()
collectgarbage("stop")
local before = collectgarbage("count")
for i = 1, 1000000 do
  p.timetolive = p.timetolive ~ 1
  p.source.a = p.destination.d
  p.flagdf = not p.flagdf
  pc.ident = i & 0xffff
end
local after = collectgarbage("count")
collectgarbage("restart")
print(string.format("\nheap growth over 1e6 x (read+write, nested read+write, "
                    .. "boolean, autochecksum write): %.1f KiB", after - before))
