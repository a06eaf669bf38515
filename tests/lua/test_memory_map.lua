-- test_memory_map.lua: memory.map under the stock lua5.4: files as
-- memories (read-only private, read-write shared, offset and length),
-- failures, unmapping when closed or collected, slices and layout
-- pointers on a mapping, a file truncated under it.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"

local randbytes, readfile = T.randbytes, T.readfile
local tmpdir = os.getenv("TMPDIR") or "/tmp"
local function tmpfile(content)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(content)
  f:close()
  return path
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
