-- test_memory_regions.lua: memory regions under the stock lua5.4: slices
-- (zero-copy views, and the rule that keeps them from reaching bytes their
-- memory no longer shows), streams (memory.reader, memory.writer) and
-- mapped files (memory.map).
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

-- streams ------------------------------------------------------------------

local function randbytes(n, seed)
  local t, x = {}, seed
  for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x % 256 end
  return string.char(table.unpack(t))
end

T.case("reader: integers of 1..8 bytes, both orders, as string.unpack",
       function()
  local s = randbytes(64, 7)
  for _, src in ipairs{s, memory.create(s), memory.slice(memory.create("xx" .. s), 3)} do
    for n = 1, 8 do
      for _, order in ipairs{"big", "little"} do
        local r = memory.reader(src)
        local fmt = (order == "big" and ">" or "<")
        local pos = 1
        while pos + n - 1 <= #s do
          T.eq(r:uint(n, order), (string.unpack(fmt .. "I" .. n, s, pos)))
          r:seek(pos)
          T.eq(r:int(n, order), (string.unpack(fmt .. "i" .. n, s, pos)))
          pos = pos + n
          T.eq(r:pos(), pos)
        end
        T.eq(r:remaining(), #s - pos + 1)
        local v, at = r:uint(n, order)
        if #s - pos + 1 < n then
          T.eq(v, nil); T.eq(at, pos); T.eq(r:pos(), pos)
        end
      end
    end
    T.eq(memory.reader(src):uint(2), (string.unpack(">I2", s)))  -- default big
  end
end)

T.case("reader: strings, zero-terminated strings, skip, seek", function()
  local r = memory.reader(memory.create("abc\0de\0fgh"))
  T.eq(r:string(2), "ab")
  T.eq(r:zstring(), "c")
  T.eq(r:pos(), 5)
  T.eq(r:zstring(), "de")
  T.eq(r:string(0), "")
  local v, at = r:zstring()           -- "fgh" has no terminator
  T.eq(v, nil); T.eq(at, 8)
  v, at = r:string(4)
  T.eq(v, nil); T.eq(at, 8)
  T.eq(r:string(3), "fgh")
  T.eq(r:remaining(), 0)
  v, at = r:uint(1)
  T.eq(v, nil); T.eq(at, 11)
  T.eq(r:seek(-3), 8)
  T.eq(r:skip(2), 10)
  v, at = r:skip(2)
  T.eq(v, nil); T.eq(at, 10)
  T.eq(r:seek(0), 1)
  T.eq(r:seek(-100), 1)
  T.eq(r:seek(100), 100)              -- past the end: every read fails
  T.eq(r:remaining(), 0)
  v, at = r:uint(1)
  T.eq(v, nil); T.eq(at, 100)
  v, at = r:zstring()
  T.eq(v, nil); T.eq(at, 100)
  T.eq(memory.reader("xyz", 2):string(2), "yz")
  T.eq(memory.reader("xyz", -1):string(1), "z")
  T.eq(memory.reader("xyz", 4):remaining(), 0)
end)

T.case("reader: slice of the next bytes", function()
  local m = memory.create("\0\3abcdef")
  local r = memory.reader(m)
  local n = r:uint(2)
  local sub = r:slice(n)
  T.eq(memory.tostring(sub), "abc")
  T.eq(memory.type(sub), "other")
  memory.set(sub, 1, 65)
  T.eq(memory.tostring(m, 3, 3), "A")
  T.eq(r:string(3), "def")
  T.eq(r:slice(1), nil)
  T.eq(memory.reader("abcd"):slice(2), "ab")   -- over a string: a string
  T.eq(#memory.reader(m):slice(0), 0)
end)

T.case("reader: bad arguments", function()
  local r = memory.reader("abc")
  T.errors("size out of range", r.uint, r, 0)
  T.errors("size out of range", r.uint, r, 9)
  T.errors("byte order", r.uint, r, 2, "middle")
  T.errors("negative count", r.string, r, -1)
  T.errors("negative count", r.skip, r, -1)
  T.errors("memory.reader expected", r.uint, {}, 1)
  T.errors("memory.reader expected", r.uint, memory.writer(memory.create(1)), 1)
  T.errors("bad argument #1", memory.reader, 42)
  T.errors("bad argument #1", memory.writer, "string")
  T.errors("bad argument #2", memory.reader, "abc", "x")
  T.ok(tostring(r):find("memory.reader", 1, true))
end)

T.case("writer: integers, strings, bounds", function()
  local m = memory.create(32)
  local w = memory.writer(m)
  T.eq(w:uint(2, 0x0102), 3)
  T.eq(w:uint(2, 0x0102, "little"), 5)
  T.eq(w:int(1, -1), 6)
  T.eq(w:int(3, -2, "little"), 9)
  T.eq(w:uint(8, -1), 17)
  T.eq(w:string("ab"), 19)
  T.eq(w:zstring("cd"), 22)
  T.eq(w:string(memory.create("ef")), 24)
  T.eq(memory.tostring(m, 1, 23),
       "\1\2\2\1\255\254\255\255" .. ("\255"):rep(8) .. "abcd\0ef")
  T.eq(w:remaining(), 9)
  local v, at = w:string(("z"):rep(10))   -- does not fit: writes nothing
  T.eq(v, nil); T.eq(at, 24)
  T.eq(memory.get(m, 24), 0)
  v, at = w:uint(8, 1, "big")
  T.eq(at, nil)
  T.eq(v, 32)
  v, at = w:uint(2, 1)
  T.eq(v, nil); T.eq(at, 32)
  T.eq(w:uint(1, 9), 33)
  v, at = w:zstring("")
  T.eq(v, nil); T.eq(at, 33)
  T.errors("unsigned overflow", w.uint, w, 1, 256)
  T.errors("unsigned overflow", w.uint, w, 2, -1)
  T.errors("integer overflow", w.int, w, 1, 128)
  T.errors("integer overflow", w.int, w, 1, -129)
  T.errors("contains zeros", w.zstring, w, "a\0b")
  -- round trip through a reader, every size and order
  for n = 1, 8 do
    for _, o in ipairs{"big", "little"} do
      local mm = memory.create(8)
      local vals = {0, 1, 127, -128, -1, 0x55, -0x56}
      for _, x in ipairs(vals) do
        memory.writer(mm):int(n, x, o)
        T.eq(memory.reader(mm):int(n, o), x)
      end
    end
  end
  -- a string that is the memory itself (overlapping)
  local ov = memory.create("abcdef")
  memory.writer(ov, 2):string(memory.slice(ov, 1, 4))
  T.eq(memory.tostring(ov), "aabcdf")
end)

T.case("streams follow their memory: resized, re-pointed, sliced", function()
  local m = memory.create()
  memory.resize(m, 4, "\0\1\0\2")
  local r = memory.reader(m)
  T.eq(r:uint(2), 1)
  memory.resize(m, 2)                  -- shorter than the position + 2
  local v, at = r:uint(2)
  T.eq(v, nil); T.eq(at, 3)
  memory.resize(m, 6)
  memory.fill(m, "\0\1\0\2\0\3")
  T.eq(r:uint(2), 2)
  -- over the host's reference: each packet's bytes
  host.fill(1, "\1\2\3\4")
  host.fill(2, "\9\8")
  local pkt = host.new()
  host.store(pkt, 1, 4)
  local rp = memory.reader(pkt)
  T.eq(rp:uint(2), 0x0102)
  host.store(pkt, 2, 2)
  T.eq(rp:uint(2), nil)
  rp:seek(1)
  T.eq(rp:uint(2), 0x0908)
  -- over a slice of it: dead with the packet
  host.store(pkt, 1, 4)
  local rs = memory.reader(memory.slice(pkt, 2))
  local ws = memory.writer(memory.slice(pkt, 2))
  T.eq(rs:uint(1), 2)
  host.store(pkt, 2, 2)
  T.eq(rs:uint(1), nil)
  T.eq(rs:remaining(), 0)
  T.eq(ws:uint(1, 0), nil)
  T.eq(host.bytes(2, 2), "\9\8")
end)

-- mapped files ---------------------------------------------------------------

local tmpdir = os.getenv("TMPDIR") or "/tmp"
local function tmpfile(content)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(content)
  f:close()
  return path
end
local function readfile(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end
-- mappings of `path` in this process (Linux)
local function mappings(path)
  local n = 0
  for line in io.lines("/proc/self/maps") do
    if line:sub(-#path) == path then n = n + 1 end
  end
  return n
end

T.case("map: read-only, private: the file's bytes, writes stay here", function()
  local content = randbytes(10000, 3)
  local path = tmpfile(content)
  local m = assert(memory.map(path))
  T.eq(#m, 10000)
  T.eq(memory.type(m), "other")
  T.eq(memory.tostring(m), content)
  memory.set(m, 1, 0x41)
  T.eq(memory.get(m, 1), 0x41)
  T.eq(readfile(path), content)
  -- every function and a reader on it
  T.eq(memory.unpack(m, ">I2", 9000), (string.unpack(">I2", content, 9000)))
  T.eq(memory.reader(m, 5000):uint(4),
       (string.unpack(">I4", content, 5000)))
  local needle = content:sub(7000, 7010)
  T.eq(memory.find(m, needle), (content:find(needle, 1, true)))
  os.remove(path)
end)

T.case("map: read-write, shared: writes reach the file", function()
  local path = tmpfile(("."):rep(8192))
  local m = assert(memory.map(path, "r+"))
  memory.fill(m, "xy", 4095, 4098)
  local w = memory.writer(m, 100)
  w:uint(4, 0x31323334)
  do local c <close> = m end
  T.eq(#m, 0)
  local s = readfile(path)
  T.eq(s:sub(4094, 4099), ".xyxy.")
  T.eq(s:sub(100, 103), "1234")
  os.remove(path)
end)

T.case("map: offset and length, any alignment", function()
  local content = randbytes(3 * 4096 + 100, 5)
  local path = tmpfile(content)
  for _, r in ipairs{{0, 10}, {1, 4096}, {4095, 2}, {4096, 4096},
                     {5000, nil}, {3 * 4096 + 99, 1}} do
    local m = assert(memory.map(path, "r", r[1], r[2]))
    local want = content:sub(r[1] + 1, r[2] and r[1] + r[2] or -1)
    T.eq(memory.tostring(m), want, ("offset %d"):format(r[1]))
  end
  local m = assert(memory.map(path, "r+", 4097, 3))
  memory.set(m, 1, 0x5a, 0x5a, 0x5a)
  m = nil
  collectgarbage()
  T.eq(readfile(path):sub(4098, 4100), "ZZZ")
  os.remove(path)
end)

T.case("map: failures are nil and a message, misuse raises", function()
  local path = tmpfile("0123456789")
  local m, err = memory.map(tmpdir .. "/no/such/file")
  T.eq(m, nil)
  T.ok(err:find("No such file", 1, true), err)
  m, err = memory.map(tmpdir)
  T.eq(m, nil); T.ok(err:find("not a regular file", 1, true), err)
  m, err = memory.map(path, "r", 11)
  T.eq(m, nil); T.ok(err:find("offset past the end", 1, true), err)
  m, err = memory.map(path, "r", 5, 6)
  T.eq(m, nil); T.ok(err:find("range past the end", 1, true), err)
  m, err = memory.map(path, "r", 0, math.maxinteger)
  T.eq(m, nil); T.ok(err:find("range past the end", 1, true), err)
  T.errors("length of 0", memory.map, path, "r", 0, 0)
  T.errors("negative length", memory.map, path, "r", 0, -5)
  T.errors("negative offset", memory.map, path, "r", -1)
  T.errors("invalid option", memory.map, path, "w")
  T.errors("bad argument #1", memory.map, {})
  -- an empty file, or the end of one: an empty memory
  T.eq(#assert(memory.map(path, "r", 10)), 0)
  local empty = tmpfile("")
  T.eq(#assert(memory.map(empty)), 0)
  os.remove(empty)
  -- read-write needs write permission
  os.execute("chmod 0444 " .. path)
  if io.open(path, "r+") == nil then   -- (root can write anyway)
    m, err = memory.map(path, "r+")
    T.eq(m, nil); T.ok(err:find("ermission", 1, true), err)
  end
  os.remove(path)
end)

T.case("map: unmapped when closed or collected", function()
  local path = tmpfile(("z"):rep(20000))
  local m = assert(memory.map(path))
  T.eq(mappings(path), 1)
  do local c <close> = m end
  T.eq(mappings(path), 0)
  m = assert(memory.map(path))
  local sl = memory.slice(m, 2, 4)
  m = nil
  collectgarbage(); collectgarbage()
  T.eq(mappings(path), 1)              -- the slice keeps it
  T.eq(memory.tostring(sl), "zzz")
  sl = nil
  collectgarbage(); collectgarbage()
  T.eq(mappings(path), 0)
  os.remove(path)
end)

T.case("map: slices die when it is closed; layout pointers read it", function()
  local path = tmpfile(string.pack(">I4I4I4", 7, 8, 9))
  local m = assert(memory.map(path))
  local sl = memory.slice(m, 5)
  local r = memory.reader(sl)
  local P = layout.newpointer(layout.struct{
    { key = "v", bytes = 4, endian = "big" } })
  layout.setpointer(P, m, 9)
  T.eq(P.v, 9)
  T.eq(r:uint(4), 8)
  do local c <close> = m end
  T.eq(#sl, 0)
  T.eq(r:uint(4), nil)
  T.errors("out of bounds", function() return P.v end)
  os.remove(path)
end)

T.case("map: a file truncated under the mapping reads as zeros", function()
  local lua = arg[-1]
  local i = -1
  while arg[i - 1] do i = i - 1; lua = arg[i] end
  local path = tmpfile(("q"):rep(3 * 4096))
  local script = ([[
    local memory = require "memory"
    local m = assert(memory.map(%q, %q))
    assert(memory.get(m, 5000) == 113)
    io.open(%q, "w"):close()           -- truncated to nothing
    io.write(memory.get(m, 5000), " ", memory.get(m, 12288), " ")
    memory.set(m, 5000, 7)
    io.write(#m, " ", memory.tostring(m, 9000, 9001) == "\0\0" and "z" or "?")
  ]])
  for _, mode in ipairs{"r", "r+"} do
    local f = assert(io.open(tmpdir .. "/regions_trunc.lua", "w"))
    f:write(script:format(path, mode, path))
    f:close()
    local p = io.popen(("%q %q 2>&1"):format(lua, tmpdir .. "/regions_trunc.lua"))
    local out = p:read("a")
    local ok = p:close()
    T.eq(ok, true, mode .. ": " .. out)
    T.ok(out:find("truncated while mapped", 1, true), out)
    T.ok(out:find("0 0 12288 z", 1, true), out)
    local g = assert(io.open(path, "wb")); g:write(("q"):rep(3 * 4096)); g:close()
  end
  os.remove(tmpdir .. "/regions_trunc.lua")
  os.remove(path)
end)

os.exit(T.summary())
