-- test_memory_regions.lua: memory slices under the stock lua5.4:
-- zero-copy views, and the rule that keeps them from reaching bytes their
-- memory no longer shows. Streams (memory.reader, memory.writer):
-- test_memory_streams.lua; mapped files (memory.map): test_memory_map.lua.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"
local host = require "testhostref"

local function str(m) return memory.tostring(m) end

-- string.sub is the model of every slice's range
local function model(s, i, j) return string.sub(s, i, j) end

T.case("slice: the bytes of string.sub's range, for every i, j", function()
  local s = "0123456789"
  local m = memory.create(s)
  for i = -12, 12 do
    for j = -12, 12 do
      local sl = memory.slice(m, i, j)
      T.eq(str(sl), model(s, i, j), ("slice(m, %d, %d)"):format(i, j))
      T.eq(#sl, #model(s, i, j))
      T.eq(memory.type(sl), "other")
    end
    T.eq(str(memory.slice(m, i)), model(s, i))
  end
end)

T.case("slice: empty slices", function()
  local m = memory.create("abc")
  for _, r in ipairs{{4, 10}, {2, 1}, {0, 0}, {-10, -4}, {100, 100}} do
    local sl = memory.slice(m, r[1], r[2])
    T.eq(#sl, 0)
    T.eq(str(sl), "")
    pcall(memory.set, sl, 1, 65)       -- past the end: writes nothing
    T.eq(str(m), "abc")
  end
  T.eq(#memory.slice(memory.create(0), 1), 0)
  T.eq(#memory.slice(memory.create(), 1), 0)
end)

T.case("slice: shares its bytes both ways", function()
  local m = memory.create("hello world")
  local sl = memory.slice(m, 7, 11)
  memory.set(sl, 1, 87)               -- 'W'
  T.eq(str(m), "hello World")
  memory.fill(m, "x", 7, 7)
  T.eq(str(sl), "xorld")
  memory.pack(sl, ">I2", 2, 0x4142)
  T.eq(str(m), "hello xABld")
  T.eq(memory.unpack(sl, ">I2", 2), 0x4142)
  T.eq(memory.find(sl, "B"), 3)
  T.eq(sl .. "!", "xABld!")
  T.eq(tostring(sl), "xABld")
  T.eq(memory.diff(sl, "xABld"), nil)
  T.eq(memory.get(sl, -1), string.byte("d"))
  T.eq(memory.get(sl, 6), nil)
  T.errors("resizable memory expected", memory.resize, sl, 3)
end)

T.case("slice: slices of slices are slices of the root", function()
  local m = memory.create("abcdefghij")
  local a = memory.slice(m, 2, 9)      -- bcdefghi
  local b = memory.slice(a, 2, -2)     -- cdefgh
  local c = memory.slice(b, -3)        -- fgh
  T.eq(str(b), "cdefgh")
  T.eq(str(c), "fgh")
  memory.set(c, 1, string.byte("F"))
  T.eq(str(m), "abcdeFghij")
  a = nil; b = nil
  collectgarbage(); collectgarbage()
  T.eq(str(c), "Fgh")                  -- keeps the root alive
end)

T.case("slice: a forged record is not trusted", function()
  local m = memory.create("abcdef")
  local sl = memory.slice(host.new(), 1, 0)
  -- a fixed memory as large as a record, with bytes of our choosing
  for n = 0, 128 do
    local fake = memory.create(n)
    memory.fill(fake, "\255")
    debug.setuservalue(sl, fake, 1)
    T.eq(#sl, 0)                       -- the (empty) head, not the fake
  end
  T.eq(str(m), "abcdef")
end)

T.case("slice: nothing of it a script can swap", function()
  host.fill(1, "\7\8\9")
  local pkt = host.new()
  host.store(pkt, 1, 3)
  local sl = memory.slice(pkt, 2)
  local r = memory.reader(sl)
  T.eq(debug.getuservalue(sl, 1), nil)  -- no user value to swap
  T.eq(debug.setuservalue(sl, memory.create(64), 1), nil)
  T.eq(str(sl), "\8\9")
  T.eq(r:uint(1), 8)
  host.store(pkt, 2, 3)                -- dies with the packet all the same
  T.eq(#sl, 0)
  T.eq(r:uint(1), nil)
  T.eq(host.head(sl), 0)
end)

T.case("slice: any order of collection", function()
  -- the root reachable only through its slice: kept alive by it
  host.fill(1, "abcdefgh")
  local pkt = host.new()
  host.store(pkt, 1, 8)
  local sl = memory.slice(pkt, 3, 5)
  local weak = setmetatable({ pkt }, { __mode = "v" })
  pkt = nil
  collectgarbage(); collectgarbage()
  T.eq(weak[1] ~= nil, true)
  T.eq(str(sl), "cde")
  -- both garbage at once: the root's __gc runs whatever the order
  sl = nil; weak[1] = nil
  collectgarbage(); collectgarbage()
  -- the slice collected first: the root re-points with nothing to empty
  pkt = host.new()
  host.store(pkt, 1, 8)
  do local s = memory.slice(pkt, 1, 2); T.eq(str(s), "ab") end
  collectgarbage(); collectgarbage()
  host.store(pkt, 2, 8)
  T.eq(memory.type(pkt), "other")
  -- a resizable root closed, its slices collected in the same cycle
  local m = memory.create()
  memory.resize(m, 8, "abcdefgh")
  local a, b = memory.slice(m, 1, 4), memory.slice(m, 5)
  local ab = memory.slice(a, 2, 3)
  m, a = nil, nil
  collectgarbage(); collectgarbage()
  T.eq(str(b) .. str(ab), "efghbc")
  b, ab = nil, nil
  collectgarbage(); collectgarbage()
end)

T.case("slice: keeps its memory alive", function()
  local sl = memory.slice(memory.create("temporary bytes"), 11)
  collectgarbage(); collectgarbage()
  T.eq(str(sl), "bytes")
end)

T.case("slice: bad arguments", function()
  T.errors("bad argument #1", memory.slice, "string", 1)
  T.errors("bad argument #1", memory.slice, {}, 1)
  T.errors("bad argument #2", memory.slice, memory.create(3))
  T.errors("bad argument #3", memory.slice, memory.create(3), 1, "x")
end)

T.case("slice: of a resizable memory, which is then resized", function()
  local m = memory.create()
  memory.resize(m, 8, "abcdefgh")
  local sl = memory.slice(m, 3, 5)
  T.eq(str(sl), "cde")
  memory.resize(m, 4096)
  T.eq(#sl, 0)
  T.eq(str(sl), "")
  T.eq(memory.get(sl, 1), nil)
  memory.resize(m, 8)                  -- back to its first length: still dead
  T.eq(#sl, 0)
  local again = memory.slice(m, 3, 5)  -- a new slice sees the new block
  T.eq(#again, 3)
end)

T.case("slice: the source of its own memory's resize", function()
  -- the slice dies with the old block, so the new bytes are zeros (and
  -- nothing is read from the freed block)
  local m = memory.create()
  memory.resize(m, 8, "abcdefgh")
  local s = memory.slice(m, 1, 8)
  memory.resize(m, 4096, s)
  T.eq(memory.tostring(m, 1, 10), "abcdefgh\0\0")
  T.eq(#s, 0)
  memory.resize(m, 8192, m)            -- the memory itself: its old bytes
  T.eq(memory.tostring(m, 4097, 4104), "abcdefgh")
end)

T.case("slice: of a closed memory", function()
  local m = memory.create()
  memory.resize(m, 4, "wxyz")
  local sl = memory.slice(m, 2)
  do local c <close> = m end
  T.eq(memory.type(m), "other")
  T.eq(#sl, 0)
  local sub = memory.slice(sl, 1)      -- a slice of a dead slice is empty
  T.eq(#sub, 0)
end)

T.case("slice: closing a slice empties it, not its memory", function()
  local m = memory.create("abcd")
  local sl = memory.slice(m, 2, 3)
  do local c <close> = sl end
  T.eq(#sl, 0)
  T.eq(str(m), "abcd")
end)

T.case("slice: of a reference the host re-points through its head", function()
  host.fill(1, "packet one......")
  host.fill(2, "packet two......")
  local pkt = host.new()
  host.store(pkt, 1, 16)
  local sl = memory.slice(pkt, 8, 10)
  T.eq(str(sl), "one")
  memory.set(sl, 1, string.byte("O"))
  T.eq(host.bytes(1, 10), "packet One")
  -- the next packet at another address
  host.store(pkt, 2, 16)
  T.eq(#sl, 0)
  T.eq(str(sl), "")
  pcall(memory.set, sl, 1, 0)          -- writes nothing
  T.eq(host.bytes(2, 16), "packet two......")
end)

T.case("slice: of a reference re-pointed at the same address and length",
       function()
  host.fill(1, "first packet....")
  local pkt = host.new()
  host.store(pkt, 1, 16)
  local old = memory.slice(pkt, 1, 5)
  T.eq(str(old), "first")
  host.fill(1, "secnd packet....")
  host.store(pkt, 1, 16)               -- same buffer, same length
  T.eq(#old, 0)
  local new = memory.slice(pkt, 1, 5)  -- slicing again does not revive it
  T.eq(str(new), "secnd")
  T.eq(#old, 0)
  host.store(pkt, 1, 16)
  T.eq(#new, 0)
end)

T.case("slice: of a reference re-pointed through luamem_setref", function()
  host.fill(1, "0123456789abcdef")
  local ref = host.new()
  T.eq(host.setref(ref, 1, 16), true)
  local sl = memory.slice(ref, 5, 8)
  T.eq(str(sl), "4567")
  T.eq(host.setref(ref, 1, 16), true)  -- a re-point, even to the same block
  T.eq(#sl, 0)
  local s1 = memory.slice(ref, 5, 8)
  T.eq(host.setref(ref, 1, 12), true)  -- shorter
  T.eq(#s1, 0)
  local s2 = memory.slice(ref, 1, 2)
  T.eq(host.setref(ref, 2, 12), true)
  T.eq(#s2, 0)
end)

T.case("slice: heads hold the bytes while valid, nothing after", function()
  -- of an allocated memory: the bytes, in the head
  local m = memory.create("abcdef")
  local sl = memory.slice(m, 2, 4)
  T.eq(select(2, host.head(sl)), "bcd")
  -- of a reference: the bytes until the reference moves on
  host.fill(1, "abcdefgh")
  local pkt = host.new()
  host.store(pkt, 1, 8)
  local rs = memory.slice(pkt, 2, 4)
  local rss = memory.slice(rs, 2)      -- of the root, bytes 3..4
  T.eq(str(rs), "bcd")
  T.eq(select(2, host.head(rs)), "bcd")
  T.eq(select(2, host.head(rss)), "cd")
  host.store(pkt, 1, 8)                -- same address and length
  T.eq(host.head(rs), 0)
  T.eq(host.head(rss), 0)
  -- through luamem_setref, to the same block
  local s2 = memory.slice(pkt, 1, 1)
  T.eq(host.head(s2), 1)
  T.eq(host.setref(pkt, 1, 8), true)
  T.eq(host.head(s2), 0)
  -- a resizable memory resized and closed
  local r = memory.create()
  memory.resize(r, 4, "wxyz")
  local s3, s4 = memory.slice(r, 2), nil
  T.eq(select(2, host.head(s3)), "xyz")
  memory.resize(r, 8)
  T.eq(host.head(s3), 0)
  s4 = memory.slice(r, 1, 2)
  do local c <close> = r end
  T.eq(host.head(s4), 0)
  -- an intermediate slice closed: the slices of the root it made live on
  host.store(pkt, 2, 8)
  local mid = memory.slice(pkt, 2, 7)
  local leaf = memory.slice(mid, 2, 3)
  do local c <close> = mid end
  T.eq(#mid, 0)
  T.eq(host.head(leaf), 2)
  host.store(pkt, 1, 8)
  T.eq(host.head(leaf), 0)
end)

T.case("slice: finalizers that move the root while it is sliced", function()
  -- with the collector running at every allocation, finalizers run inside
  -- memory.slice (its allocations) and resize its root, down to 0 and 1
  -- bytes: a slice must never be longer than its root, and after a last
  -- move every head is empty (none was filled from a block the library
  -- no longer tracks)
  local m = memory.create()
  memory.resize(m, 8, "abcdefgh")
  local sizes, k, inside = { 8, 16, 1, 8, 0, 12, 2 }, 0, false
  local mt = { __gc = function()
    if not inside then return end
    k = k % #sizes + 1
    memory.resize(m, sizes[k])
    memory.fill(m, "x")
  end }
  local slices, slice, len = {}, memory.slice, memory.len
  local over, moved = 0, 0
  collectgarbage("incremental", 0, 100)
  for i = 1, 20000 do
    if i % 4 == 0 then setmetatable({}, mt) end
    local k0 = k
    inside = true
    local ok, sl = pcall(slice, m, 1, 2)
    inside = false
    if k ~= k0 then moved = moved + 1 end
    if ok and #sl > len(m) then over = over + 1 end  -- allocates nothing
    if i % 50 == 0 then slices[#slices + 1] = ok and sl or nil end
  end
  collectgarbage("incremental", 200, 100)
  T.eq(over, 0)
  T.eq(moved > 0, true)
  memory.resize(m, 3)
  for _, sl in ipairs(slices) do T.eq(host.head(sl), 0) end
end)

T.case("slice: a reference with slices reads back no unref", function()
  local pkt = host.new()
  host.store(pkt, 1, 8)
  local sl = memory.slice(pkt, 1, 2)
  T.eq(memory.type(pkt), "other")
  T.eq(memory.type(sl), "other")
  host.store(pkt, 1, 8)                -- through luamem_resetref: unmarked
  T.eq(#sl, 0)
  local r = memory.create()
  memory.resize(r, 4)
  local s = memory.slice(r, 1)
  T.eq(memory.type(r), "resizable")    -- a non-NULL unref stays
  T.eq(#s, 4)
end)

T.case("slice: the C API (luamem_newslice)", function()
  local m = memory.create("abcdefgh")
  local sl, isslice = host.slice(m, 2, 3)
  T.eq(isslice, true)
  T.eq(str(sl), "cde")
  T.eq(str(host.slice(sl, 1, 2)), "de")
  T.eq(#host.slice(m, 8, 0), 0)
  T.errors("slice out of range", host.slice, m, 7, 2)
  T.errors("slice out of range", host.slice, m, 9, 0)
  T.errors("memory expected", host.slice, "abc", 0, 1)
  T.eq(select(2, host.slice(host.new(), 0, 0)), true)
end)

T.case("slice: layout pointers on slices", function()
  local S = layout.struct{
    { key = "a", bytes = 2, endian = "big" },
    { key = "b", bytes = 1 },
  }
  local m = memory.create("\0\0\1\2\3\4\5")
  local p = layout.newpointer(S)
  local sl = memory.slice(m, 3)
  layout.setpointer(p, sl)
  T.eq(p.a, 0x0102)
  T.eq(p.b, 3)
  p.b = 0x33
  T.eq(memory.get(m, 5), 0x33)
  layout.setpointer(p, sl, 3)
  T.eq(p.a, 0x3304)
  layout.setpointer(p, sl, 4)          -- 2 bytes left: out of bounds
  T.errors("out of bounds", function() return p.a end)
  -- a slice of a reference: its bytes during the packet, out of bounds at
  -- the next, even at the same address and length
  host.fill(1, "\1\2\3\4")
  host.fill(2, "\5\6\7\8")
  local pkt = host.new()
  host.store(pkt, 1, 4)
  layout.setpointer(p, memory.slice(pkt, 2))
  T.eq(p.a, 0x0203)
  T.eq(p.b, 4)
  p.b = 0x44
  T.eq(host.bytes(1, 4), "\1\2\3\68")
  host.store(pkt, 1, 4)
  T.errors("out of bounds", function() return p.a end)
  T.errors("out of bounds", function() p.b = 1 end)
  T.eq(host.bytes(1, 4), "\1\2\3\68")
  -- a slice of that slice, the next packet elsewhere
  layout.setpointer(p, memory.slice(memory.slice(pkt, 1), 2))
  T.eq(p.a, 0x0203)
  T.eq(p.b, 0x44)
  host.store(pkt, 2, 4)
  T.errors("out of bounds", function() return p.a end)
  -- through luamem_setref
  layout.setpointer(p, memory.slice(pkt, 2))
  T.eq(p.a, 0x0607)
  T.eq(host.setref(pkt, 2, 4), true)
  T.errors("out of bounds", function() return p.a end)
end)

os.exit(T.summary())
