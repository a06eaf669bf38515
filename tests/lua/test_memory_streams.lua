-- test_memory_streams.lua: memory.reader and memory.writer under the
-- stock lua5.4: integers and strings as string.unpack / string.pack see
-- them, slices of the next bytes, bounds, bad arguments, and streams that
-- follow their memory (resized, re-pointed by a C host, sliced).
local T = require "testlib"
local memory = require "memory"
local host = require "testhostref"

local randbytes = T.randbytes

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

os.exit(T.summary())
