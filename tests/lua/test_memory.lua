-- test_memory.lua: the `memory` module under the stock lua5.4.
-- The issue's examples verbatim, then every function's edge cases, checked
-- against models built from string.sub/byte/find/pack where one exists.
local T = require "testlib"
memory = require "memory"

local mem = memory

-- string.sub's index rules, the model of every range in the module
local function posstart(i, len)
  if i > 0 then return i elseif i == 0 then return 1
  elseif i < -len then return 1 else return len + i + 1 end
end
local function posend(j, len)
  if j > len then return len elseif j >= 0 then return j
  elseif j < -len then return 0 else return len + j + 1 end
end

local function bytes(...) return string.char(...) end

-------------------------------------------------------------------------------
-- the examples of the issue, verbatim
-------------------------------------------------------------------------------

T.case("issue examples", function()
  zeros = memory.create(8)
  assert(memory.type(zeros) == "fixed")
  assert(memory.len(zeros) == 8)
  assert(memory.tostring(zeros) == string.rep("\0", 8))
  copy = memory.create("Hello, world!")
  assert(memory.type(copy) == "fixed")
  assert(memory.len(copy) == 13)
  assert(memory.tostring(copy) == "Hello, world!")

  resizable = memory.create()
  assert(memory.type(resizable) == "resizable")
  assert(memory.len(resizable) == 0)
  memory.resize(resizable, 4)
  assert(memory.len(resizable) == 4)
  assert(memory.tostring(resizable) == "\0\0\0\0")
  memory.fill(resizable, 0xff)
  assert(memory.tostring(resizable) == "\xff\xff\xff\xff")
  memory.resize(resizable, 8)
  assert(memory.tostring(resizable) == "\xff\xff\xff\xff\0\0\0\0")
  memory.resize(resizable, 6)
  assert(memory.tostring(resizable) == "\xff\xff\xff\xff\0\0")

  eight = memory.create(8)
  memory.set(eight, 1, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef)
  memory.fill(eight, "Hello, world!")
  assert(memory.tostring(eight) == "Hello, w")
  memory.fill(eight, "Hello!", 1,  6)
  memory.fill(eight,     0xff, 7, -1)
  assert(memory.tostring(eight) == "Hello!\xff\xff")

  eight = memory.create("\x01\x23\x45\x67\x89\xab\xcd\xef")
  assert(memory.get(eight, 8) == 0xef)
  local a, b, c = memory.get(eight, 3, 5)
  assert(a == 0x45 and b == 0x67 and c == 0x89)
  assert(memory.find(eight, "\x45\x67\x89") == 3)

  m = memory.create("Hello, World!")
  assert(memory.diff(m, "Hello, World!") == nil)
  local diffidx, islessthan = memory.diff(m, "Hello, world!")
  assert(diffidx == 8 and islessthan == true)

  m = memory.create(2)
  memory.pack(m, "I2", 1, 0x0001)
  -- memory.unpack(m, "B") tells the platform's byte order
end)

T.case("issue: unpack tells the byte order", function()
  local m = memory.create(2)
  memory.pack(m, "I2", 1, 0x0001)
  local little = string.unpack("B", string.pack("I2", 1)) == 1
  T.eq(memory.unpack(m, "B"), little and 1 or 0)
  T.eq(memory.unpack(m, "<I2"), little and 1 or 256)
end)

-------------------------------------------------------------------------------
-- create, type, len
-------------------------------------------------------------------------------

T.case("create sizes", function()
  for _, n in ipairs{0, 1, 7, 4096} do
    local m = mem.create(n)
    T.eq(mem.type(m), "fixed")
    T.eq(mem.len(m), n)
    T.eq(#m, n)
    T.eq(mem.tostring(m), string.rep("\0", n))
  end
  T.eq(mem.len(mem.create(3.0)), 3)  -- float with an integer value
  -- only a call without arguments makes a resizable memory
  T.eq(mem.type(mem.create()), "resizable")
  T.errors("string or memory expected, got nil", mem.create, nil)
  T.eq(mem.len(mem.create(2, "extra", {})), 2)  -- the rest is not looked at
end)

T.case("create copies ranges like string.sub", function()
  local s = "abcdefgh"
  for i = -10, 10 do
    for j = -10, 10 do
      local m = mem.create(s, i, j)
      T.eq(mem.tostring(m), s:sub(i, j), ("create(s,%d,%d)"):format(i, j))
      T.eq(mem.type(m), "fixed")
      -- from a memory too, and the copy is independent
      local m2 = mem.create(mem.create(s), i, j)
      T.eq(mem.tostring(m2), s:sub(i, j))
    end
  end
  T.eq(mem.tostring(mem.create(s, 3)), "cdefgh")
  T.eq(mem.tostring(mem.create(s, math.mininteger, math.maxinteger)), s)
  local src = mem.create("xyz")
  local cp = mem.create(src)
  mem.set(cp, 1, 65)
  T.eq(tostring(src), "xyz")
  T.eq(tostring(cp), "Ayz")
end)

T.case("create bad arguments", function()
  T.errors("bad argument #1", mem.create, {})
  T.errors("string or memory expected, got table", mem.create, {})
  T.errors("got boolean", mem.create, true)
  T.errors("invalid size", mem.create, -1)
  T.errors("invalid size", mem.create, math.mininteger)
  T.errors("number has no integer representation", mem.create, 1.5)
  T.errors("bad argument #2", mem.create, "abc", "x")
  T.errors("bad argument #3", mem.create, "abc", 1, {})
end)

T.case("sizes from Lua stay below the largest int", function()
  local intmax = (1 << 31) - 1  -- LUAMEM_MAXSIZE on every 32/64-bit host
  for _, n in ipairs{intmax, intmax + 1, (1 << 48) + 3, 1 << 62,
                     math.maxinteger} do
    T.errors("bad argument #1 to 'memory.create' (invalid size)",
             mem.create, n)
    T.errors("bad argument #2 to 'memory.resize' (invalid size)",
             mem.resize, mem.create(), n)
  end
end)

T.case("type", function()
  T.eq(mem.type(mem.create(1)), "fixed")
  T.eq(mem.type(mem.create("")), "fixed")
  T.eq(mem.type(mem.create()), "resizable")
  for _, v in ipairs{"str", 1, 2.5, true, false, {}, print,
                     coroutine.create(print), io.stdout} do
    T.eq(mem.type(v), nil)
  end
  T.eq(mem.type(nil), nil)
  T.eq(select("#", mem.type()), 1)  -- no argument: nil, no error
  T.eq(mem.type(), nil)
end)

T.case("len", function()
  T.eq(mem.len(mem.create("abc")), 3)
  T.eq(mem.len(mem.create()), 0)
  T.errors("memory expected, got string", mem.len, "abc")
  T.errors("memory expected, got no value", mem.len)
  T.errors("memory expected, got nil", mem.len, nil)
  T.errors("memory expected, got FILE*", mem.len, io.stdout)
end)

-------------------------------------------------------------------------------
-- resize
-------------------------------------------------------------------------------

T.case("resize grows with zeros and shrinks", function()
  local m = mem.create()
  mem.resize(m, 3)
  T.eq(tostring(m), "\0\0\0")
  mem.fill(m, "abc")
  mem.resize(m, 5)
  T.eq(tostring(m), "abc\0\0")
  mem.resize(m, 2)
  T.eq(tostring(m), "ab")
  mem.resize(m, 2)  -- same size: nothing changes
  T.eq(tostring(m), "ab")
  mem.resize(m, 0)
  T.eq(#m, 0)
  T.eq(mem.type(m), "resizable")
  mem.resize(m, 1)
  T.eq(tostring(m), "\0")
  mem.resize(m, 100000)
  T.eq(#m, 100000)
  T.eq(mem.get(m, -1), 0)
  T.eq(mem.find(m, "\1"), nil)
end)

T.case("resize fills from s", function()
  local m = mem.create()
  mem.resize(m, 7, "ab")
  T.eq(tostring(m), "abababa")
  mem.resize(m, 9, "xyz", 2)  -- no fourth argument: it is not looked at
  T.eq(tostring(m), "abababaxy")
  mem.resize(m, 10, "")
  T.eq(tostring(m), "abababaxy\0")
  mem.resize(m, 12, mem.create("Q"))
  T.eq(tostring(m), "abababaxy\0QQ")
  mem.resize(m, 2, "ignored when shrinking")
  T.eq(tostring(m), "ab")
  -- its own old contents as the pattern, though the block moves
  mem.resize(m, 7, m)
  T.eq(tostring(m), "abababa")
  mem.resize(m, 20000, m)
  T.eq(tostring(m), ("abababa"):rep(20000 // 7 + 1):sub(1, 20000))
end)

T.case("resize checks", function()
  -- the size first, then the memory
  T.errors("bad argument #2 to 'memory.resize' (invalid size)", mem.resize,
           mem.create(2), -1)
  T.errors("bad argument #2", mem.resize, mem.create(), "x")
  for _, v in ipairs{mem.create(2), "ab", false, {}} do
    T.errors("bad argument #1 to 'memory.resize' (resizable memory expected)",
             mem.resize, v, 4)
  end
  T.errors("bad argument #1 to 'memory.resize' (resizable memory expected)",
           mem.resize, nil, 4)
  local r = mem.create()
  mem.resize(r, 1)
  do local closing <close> = r end
  T.errors("resizable memory expected", mem.resize, r, 4)
  -- s only when the size changes, when growing or shrinking
  local m = mem.create()
  mem.resize(m, 3, "abc")
  mem.resize(m, 3, {})
  T.eq(tostring(m), "abc")
  T.errors("bad argument #3 to 'memory.resize' (string or memory expected, got table)",
           mem.resize, m, 5, {})
  T.errors("string or memory expected, got boolean", mem.resize, m, 1, true)
  T.eq(tostring(m), "abc")
end)

-------------------------------------------------------------------------------
-- tostring, get, set
-------------------------------------------------------------------------------

T.case("tostring ranges like string.sub", function()
  local s = "0123456789"
  local m = mem.create(s)
  for i = -13, 13 do
    for j = -13, 13 do
      T.eq(mem.tostring(m, i, j), s:sub(i, j), ("tostring(m,%d,%d)"):format(i, j))
      T.eq(mem.tostring(s, i, j), s:sub(i, j))  -- strings too
    end
    T.eq(mem.tostring(m, i), s:sub(i))
  end
  T.eq(mem.tostring(m, math.mininteger, math.maxinteger), s)
  T.eq(mem.tostring(m, math.maxinteger, math.mininteger), "")
  T.eq(mem.tostring(mem.create()), "")
  T.errors("string or memory expected, got table", mem.tostring, {})
  T.errors("bad argument #2", mem.tostring, m, "x")
end)

T.case("get like string.byte", function()
  local s = "\0\1\127\128\200\255abc"
  local m = mem.create(s)
  for i = -12, 12 do
    T.eq(select("#", mem.get(m, i)), select("#", s:byte(i)), "count get " .. i)
    T.eq(mem.get(m, i), s:byte(i), "get " .. i)
    for j = -12, 12 do
      local got = {mem.get(m, i, j)}
      local want = {s:byte(i, j)}
      T.eq(#got, #want, ("get(m,%d,%d)"):format(i, j))
      for k = 1, #want do T.eq(got[k], want[k]) end
    end
  end
  T.eq(mem.get(m, math.maxinteger), nil)
  T.eq(mem.get(m, math.mininteger), nil)
  T.eq(select("#", mem.get(m, math.mininteger, math.maxinteger)), #s)
  T.eq(select("#", mem.get(mem.create(), 1)), 0)
  T.errors("bad argument #2", mem.get, m)
  T.errors("number expected, got string", mem.get, m, "x")
  T.errors("number has no integer representation", mem.get, m, 1.5)
  T.errors("memory expected, got string", mem.get, s, 1)
  T.errors("bad argument #3", mem.get, m, 1, {})
end)

T.case("get on a long memory", function()
  local m = mem.create(1 << 20)
  mem.set(m, -1, 9)
  T.eq(mem.get(m, 1 << 20), 9)
  T.eq(mem.get(m, -1), 9)
  T.eq(mem.get(m, (1 << 20) + 1), nil)
  T.errors("string slice too long", mem.get, m, 1, -1)  -- a million results
end)

-- the model of set: write from the clipped start, which must be inside
-- the memory, and drop what does not fit
local function modelset(s, i, ...)
  local len = #s
  local p = posstart(i, len)
  if p > len then return nil end  -- index out of bounds
  local t = {s:byte(1, -1)}
  for k = 1, select("#", ...) do
    if p > len then break end
    t[p] = select(k, ...)
    p = p + 1
  end
  return string.char(table.unpack(t))
end

T.case("set with clipped indices", function()
  local s = "abcdef"
  for i = -9, 9 do
    for n = 0, 8 do
      local vals = {}
      for k = 1, n do vals[k] = 48 + k end
      local m = mem.create(s)
      local want = modelset(s, i, table.unpack(vals))
      local what = ("set(m,%d, %d values)"):format(i, n)
      if want then
        mem.set(m, i, table.unpack(vals))
        T.eq(tostring(m), want, what)
      else
        T.errors("bad argument #2 to 'memory.set' (index out of bounds)",
                 mem.set, m, i, table.unpack(vals))
        T.eq(tostring(m), s, what)
      end
    end
  end
  local m = mem.create(s)
  mem.set(m, math.mininteger, 65)
  T.eq(tostring(m), "Abcdef")
  mem.set(m, 0)  -- clipped to 1, no values: nothing written, no error
  T.eq(tostring(m), "Abcdef")
  T.errors("index out of bounds", mem.set, m, math.maxinteger, 1, 2)
  T.errors("index out of bounds", mem.set, m, 7)  -- even with no values
  T.errors("index out of bounds", mem.set, mem.create(), 1, 1, 2, 3)
  T.errors("index out of bounds", mem.set, mem.create(), 0)
end)

T.case("set bad values", function()
  local m = mem.create(4)
  T.errors("value out of range", mem.set, m, 1, 256)
  T.errors("value out of range", mem.set, m, 1, -1)
  T.errors("bad argument #4", mem.set, m, 1, 0, 300)
  T.errors("number expected, got string", mem.set, m, 1, "x")
  T.errors("number has no integer representation", mem.set, m, 1, 0.5)
  T.errors("memory expected, got string", mem.set, "abcd", 1, 0)
  T.errors("bad argument #2", mem.set, m, nil, 1)
  -- a failed value leaves the bytes before it written
  pcall(mem.set, m, 1, 7, 8, 999)
  T.eq(tostring(m), "\7\8\0\0")
  mem.set(m, 4, 1, 999)  -- past the end: ignored, not even checked
  T.eq(mem.get(m, 4), 1)
  mem.set(m, 1, 255, 0x7f, 0.0)
  T.eq(tostring(m), "\255\127\0\1")
end)

-------------------------------------------------------------------------------
-- diff, find, fill
-------------------------------------------------------------------------------

T.case("diff", function()
  local function d(a, b) return {mem.diff(a, b)} end
  local r = d(mem.create("abc"), "abc")
  T.eq(r[1], nil); T.eq(r[2], false)
  r = d("abc", mem.create("abd"))
  T.eq(r[1], 3); T.eq(r[2], true)
  r = d("abd", "abc")
  T.eq(r[1], 3); T.eq(r[2], false)
  r = d("ab", "abc")  -- a prefix
  T.eq(r[1], 3); T.eq(r[2], true)
  r = d(mem.create("abc"), mem.create("ab"))
  T.eq(r[1], 3); T.eq(r[2], false)
  r = d("", "")
  T.eq(r[1], nil); T.eq(r[2], false)
  r = d(mem.create(), "x")
  T.eq(r[1], 1); T.eq(r[2], true)
  -- the second result is m1 < m2 on the bytes, compared as C's char as
  -- lua-memory compares them: signed on x86 ("\255" < "\1"), unsigned
  -- on ARM; test_lmemlib checks which one this host has
  local _, signed = mem.diff("\255", "\1")
  local function lessthan(a, b)
    for k = 1, math.min(#a, #b) do
      local x, y = a:byte(k), b:byte(k)
      if signed then x, y = (x + 128) % 256, (y + 128) % 256 end
      if x ~= y then return x < y end
    end
    return #a < #b
  end
  local words = {"", "a", "ab", "b", "\0", "\0\0", "\127", "\128", "\255",
                 "abc", "abd", "ab\200", "ab\1"}
  for _, a in ipairs(words) do
    for _, b in ipairs(words) do
      local i, lt = mem.diff(mem.create(a), b)
      T.eq(lt, lessthan(a, b), ("diff(%q,%q)"):format(a, b))
      T.eq(i == nil, a == b)
    end
  end
  T.errors("bad argument #2", mem.diff, "a", {})
  T.errors("bad argument #1", mem.diff, nil, "a")
end)

T.case("diff on long memories", function()
  local n = 5000
  local a = string.rep("x", n)
  local m = mem.create(a)
  for _, p in ipairs{1, 2, 63, 64, 65, 128, 129, 4096, n - 1, n} do
    local b = a:sub(1, p - 1) .. "y" .. a:sub(p + 1)
    local i, lt = mem.diff(m, b)
    T.eq(i, p, "diff at " .. p); T.eq(lt, true)
    i, lt = mem.diff(b, m)
    T.eq(i, p); T.eq(lt, false)
  end
  T.eq(mem.diff(m, a .. "z"), n + 1)
  T.eq(mem.diff(m, a), nil)
end)

-- the model of find, over string.find on the clipped range: the bytes of
-- p from o are cut to the range's length, and the end index counts them all
local function modelfind(s, p, i, j, o)
  local len = #s
  i, j = posstart(i or 1, len), posend(j or -1, len)
  o = posstart(o or 1, #p)
  if i > j or o > #p then return end
  local needle = p:sub(o)
  local r = s:sub(i, j):find(needle:sub(1, j - i + 1), 1, true)
  if r then return r + i - 1, r + i - 2 + #needle end
end

-- all results of f(...), as a comparable string
local function results(...)
  local t = table.pack(...)
  for k = 1, t.n do t[k] = tostring(t[k]) end
  return t.n .. ":" .. table.concat(t, ",")
end

T.case("find against a string.find model", function()
  local s = "abcabcxabc"
  local m = mem.create(s)
  for _, p in ipairs{"a", "abc", "bcx", "c", "cx", "xabc", "z", "abcabcxabc",
                     "abcabcxabcd", ""} do
    for i = -12, 12, 3 do
      for j = -12, 12, 2 do
        for o = -5, 5 do
          T.eq(results(mem.find(m, p, i, j, o)),
               results(modelfind(s, p, i, j, o)),
               ("find(%q,%q,%d,%d,%d)"):format(s, p, i, j, o))
        end
      end
    end
    T.eq(results(mem.find(m, p)), results(modelfind(s, p)))
    T.eq(results(mem.find(s, mem.create(p))), results(modelfind(s, p)))
  end
  T.eq(results(mem.find(m, "c", 4)), "2:6,6")
  T.eq(results(mem.find(m, "cab", 3)), "2:3,5")  -- start and end
  T.eq(results(mem.find(m, "abc", 2, 5)), "0:")  -- nothing, not even nil
  T.eq(results(mem.find(m, "abc", 2, 6)), "2:4,6")
  T.eq(results(mem.find(m, "\0")), "0:")
  T.eq(results(mem.find(m, "")), "0:")  -- the empty string is not found
  T.eq(results(mem.find(mem.create("a\0b"), "\0b")), "2:2,3")
  -- longer than the range: cut to it, and the end index is past the range
  T.eq(results(mem.find(m, "xaQQQ", 7, 8)), "2:7,11")
  T.eq(results(mem.find(m, "bcQ", 5, 6)), "2:5,7")
  T.eq(results(mem.find("ab", "bcd", 2)), "2:2,4")  -- even past the end
  T.errors("bad argument #2", mem.find, m, nil)
  T.errors("bad argument #5", mem.find, m, "a", 1, 2, "x")
end)

T.case("find in a long memory", function()
  local m = mem.create(1 << 20)
  mem.fill(m, "needle", -6)
  T.eq(mem.find(m, "needle"), (1 << 20) - 5)
  T.eq(mem.find(m, "needle", 1, -2), nil)
  T.eq(mem.find(m, "\0\0\0n"), (1 << 20) - 8)
end)

-- the model of fill: repeat s from o over the clipped range
local function modelfill(s, v, i, j, o)
  local len = #s
  i, j = posstart(i or 1, len), posend(j or -1, len)
  if math.type(v) == "integer" then v, o = string.char(v), 1 end
  o = posstart(o or 1, #v)
  if i > j or o > #v then return s end
  local pat = v:sub(o)
  local n = j - i + 1
  local fillstr = pat:rep(n // #pat + 1):sub(1, n)
  return s:sub(1, i - 1) .. fillstr .. s:sub(j + 1)
end

T.case("fill against a model", function()
  local s = "0123456789"
  for _, v in ipairs{"ab", "xyz", "", "LONGER THAN TEN!", 0, 255, 65} do
    for i = -12, 12, 2 do
      for j = -12, 12, 3 do
        for o = -4, 4 do
          local m = mem.create(s)
          mem.fill(m, v, i, j, o)
          T.eq(tostring(m), modelfill(s, v, i, j, o),
               ("fill(%q,%s,%d,%d,%d)"):format(s, v, i, j, o))
        end
      end
    end
    local m = mem.create(s)
    mem.fill(m, v)
    T.eq(tostring(m), modelfill(s, v))
  end
  local m = mem.create("abcdefgh")
  mem.fill(m, m, 5, 8)  -- its own bytes: copies "abcd" over "efgh"
  T.eq(tostring(m), "abcdabcd")
  mem.fill(m, mem.create("Z"), 2, 3)
  T.eq(tostring(m), "aZZdabcd")
  mem.fill(mem.create(), "x")  -- empty memory: no effect
  T.errors("value out of range", mem.fill, m, 256)
  T.errors("value out of range", mem.fill, m, -1)
  T.errors("string or memory expected, got table", mem.fill, m, {})
  T.errors("memory expected, got string", mem.fill, "abc", 0)
  T.errors("bad argument #3", mem.fill, m, 0, "x")
end)

T.case("fill a long memory", function()
  local n = (1 << 20) + 3
  local m = mem.create(n)
  mem.fill(m, "0123456789")
  T.eq(mem.get(m, n), string.byte(tostring((n - 1) % 10)))
  mem.fill(m, 7)
  T.eq(mem.find(m, "\0"), nil)
  T.eq(mem.diff(m, string.rep("\7", n)), nil)
end)

-------------------------------------------------------------------------------
-- pack, unpack
-------------------------------------------------------------------------------

-- one sample value per option; every option of string.pack
local samples = {
  {"b", -128}, {"b", 127}, {"B", 255}, {"h", -12345}, {"H", 65535},
  {"l", math.mininteger}, {"L", -1}, {"j", math.maxinteger}, {"J", 42},
  {"T", 1 << 40}, {"i", -7}, {"I", 7}, {"f", 0.5}, {"d", -1.25e300},
  {"n", math.pi}, {"s", "hello"}, {"z", "zero\1term"}, {"c5", "fixed"},
  {"c0", ""}, {"s1", "short"}, {"s2", ""}, {"s12", "wide length"},
}
for n = 1, 16 do
  samples[#samples + 1] = {"i" .. n, -1}
  samples[#samples + 1] = {"I" .. n, n < 8 and (1 << (8 * n)) - 1 or 3}
end
-- wider than a lua_Integer: signed values are sign-extended, unsigned ones
-- (even negative integers) get zero bytes, as string.pack writes them
for n = 9, 16 do
  samples[#samples + 1] = {"i" .. n, math.mininteger}
  samples[#samples + 1] = {"i" .. n, math.maxinteger}
  samples[#samples + 1] = {"i" .. n, -0x0102030405060708}
  samples[#samples + 1] = {"I" .. n, -2}
  samples[#samples + 1] = {"I" .. n, math.mininteger}
end

T.case("pack/unpack every option as string.pack", function()
  for _, endian in ipairs{"", "<", ">", "="} do
    for _, sample in ipairs(samples) do
      local fmt, v = endian .. sample[1], sample[2]
      local want = string.pack(fmt, v)
      local m = mem.create(#want)
      local ok, nexti = mem.pack(m, fmt, 1, v)
      T.eq(ok, true, fmt)
      T.eq(nexti, #want + 1, fmt)
      T.eq(tostring(m), want, fmt)
      local got, pos = mem.unpack(m, fmt)
      local exp, epos = string.unpack(fmt, want)
      T.eq(got, exp, fmt)
      T.eq(pos, epos, fmt)
      -- and at an odd position, in a longer memory
      local m2 = mem.create(#want + 5)
      T.eq(select(2, mem.pack(m2, fmt, 4, v)), #want + 4, fmt)
      T.eq(mem.tostring(m2, 4, -3), want, fmt)
      T.eq(results(mem.unpack(m2, fmt, 4)), results(exp, #want + 4), fmt)
    end
  end
end)

T.case("pack/unpack floats keep special values", function()
  local m = mem.create(8)
  for _, x in ipairs{math.huge, -math.huge, 0.0, -0.0, 1e-310} do
    mem.pack(m, ">d", 1, x)
    T.eq(tostring(m), string.pack(">d", x))
    T.eq(mem.unpack(m, ">d"), x)
  end
  mem.pack(m, "<d", 1, 0/0)
  local nan = mem.unpack(m, "<d")
  T.ok(nan ~= nan)
  mem.pack(m, "f", 1, 1e300)  -- out of float range: inf, as string.pack
  T.eq(mem.unpack(m, "f"), string.unpack("f", string.pack("f", 1e300)))
end)

T.case("pack/unpack multiple values, padding and alignment", function()
  local fmts = {
    {"<i2 B x >I4 s1 z", {-2, 9, 0xdeadbeef, "abc", "zz"}},
    {"!4 b i4 b i8 h", {1, 2, 3, 4, 5}},
    {"!8 b d b n", {1, 2.5, 3, 4.5}},
    {"! b j", {1, 2}},
    {"!2 b Xi4 b", {1, 2}},
    {">!4 b Xh i2 Xi4 b", {1, 2, 3}},
    {"  b  x x  B  ", {1, 2}},
    {"c3 c2 z B", {"abc", "de", "fgh", 7}},
    {"=I3 <I3 >I3", {1, 2, 3}},
  }
  for _, case in ipairs(fmts) do
    local fmt, vals = case[1], case[2]
    local want = string.pack(fmt, table.unpack(vals))
    local m = mem.create(#want)
    local r = {mem.pack(m, fmt, 1, table.unpack(vals))}
    T.eq(r[1], true, fmt)
    T.eq(r[2], #want + 1, fmt)
    T.eq(#r, 2, fmt)
    T.eq(tostring(m), want, fmt)
    local got = {mem.unpack(m, fmt)}
    local exp = {string.unpack(fmt, want)}
    T.eq(#got, #exp, fmt)
    for k = 1, #exp do T.eq(got[k], exp[k], fmt .. " #" .. k) end
  end
end)

T.case("pack/unpack at a position; alignment from the memory start", function()
  local m = mem.create(10)
  T.eq(select(2, mem.pack(m, ">I2", 3, 0x4142)), 5)
  T.eq(tostring(m), "\0\0AB\0\0\0\0\0\0")
  T.eq(select(2, mem.pack(m, "B", -1, 0x5a)), 11)
  T.eq(mem.get(m, 10), 0x5a)
  local v, nexti = mem.unpack(m, ">I2", 3)
  T.eq(v, 0x4142); T.eq(nexti, 5)
  T.eq(mem.unpack(m, "B", -1), 0x5a)
  -- "!4 i4" at position 2 skips to offset 4, as unpack reads it back;
  -- the bytes skipped keep their values (string.pack would write zeros)
  mem.fill(m, 0xee)
  local ok, n2 = mem.pack(m, "!4 b i4", 2, 1, 0x01020304)
  T.eq(ok, true); T.eq(n2, 9)
  T.eq(mem.tostring(m, 2, 4), "\1\xee\xee")
  local b, i, pos = mem.unpack(m, "!4 b i4", 2)
  T.eq(b, 1); T.eq(i, 0x01020304); T.eq(pos, 9)
  mem.fill(m, 0xee)
  T.eq(select(2, mem.pack(m, "!2 b x b Xi2 b", 1, 1, 2, 3)), 6)
  T.eq(tostring(m), "\1\xee\2\xee\3\xee\xee\xee\xee\xee")
  -- positions at the end: nothing fits, nothing to read
  T.eq(select(2, mem.pack(m, "", 11)), 11)
  T.eq(select("#", mem.unpack(m, "", 11)), 1)
  T.errors("bad argument #3 to 'memory.pack' (index out of bounds)",
           mem.pack, m, "b", 12, 1)
  T.errors("bad argument #3 to 'memory.unpack' (index out of bounds)",
           mem.unpack, m, "b", 12)
  T.errors("index out of bounds", mem.unpack, m, "c0", math.maxinteger)
  T.errors("bad argument #3", mem.pack, m, "b", nil, 1)
  T.eq(mem.unpack(m, "B", -100), 1)  -- clipped to 1 like string.unpack
end)

T.case("pack on a short memory returns the rest", function()
  local m = mem.create(5)
  local r = {mem.pack(m, ">I2 I2 I2 I2", 1, 1, 2, 3, 4)}
  T.eq(r[1], false)
  T.eq(r[2], 5)  -- next index: where the value that did not fit goes
  T.eq(#r, 4)
  T.eq(r[3], 3); T.eq(r[4], 4)
  T.eq(tostring(m), "\0\1\0\2\0")  -- nothing half-written
  -- resume after making room
  local big = mem.create()
  mem.resize(big, 8)
  mem.fill(big, m)
  T.eq(mem.pack(big, ">I2 I2", r[2], r[3], r[4]), true)
  T.eq(tostring(big), "\0\1\0\2\0\3\0\4")
  -- strings: a length prefix that fits is written, and next is past it
  r = {mem.pack(m, "s1", 1, "toolong")}
  T.eq(r[1], false); T.eq(r[2], 2); T.eq(r[3], "toolong")
  T.eq(tostring(m), "\7\1\0\2\0")
  r = {mem.pack(m, "s2", 5, "x")}  -- the prefix does not fit
  T.eq(r[1], false); T.eq(r[2], 5); T.eq(r[3], "x")
  T.eq(tostring(m), "\7\1\0\2\0")
  -- a z string without room for its zero: the bytes are written
  r = {mem.pack(m, "z", 2, "four")}
  T.eq(r[1], false); T.eq(r[2], 6); T.eq(r[3], "four")
  T.eq(tostring(m), "\7four")
  r = {mem.pack(m, "z", 2, "fives")}
  T.eq(r[1], false); T.eq(r[2], 2); T.eq(r[3], "fives")
  -- a float's room is checked before its value
  r = {mem.pack(m, "d", 1, "not a number")}
  T.eq(r[1], false); T.eq(r[2], 1); T.eq(r[3], "not a number")
  T.errors("number expected, got string", mem.pack, m, "b", 1, "x")
  r = {mem.pack(m, "B x B", 4, 1, 2)}
  T.eq(r[1], false); T.eq(r[2], 6); T.eq(r[3], 2)
  r = {mem.pack(m, "B x B", 5, 1, 2)}  -- the padding does not fit
  T.eq(r[1], false); T.eq(r[2], 6); T.eq(r[3], 2); T.eq(#r, 3)
  r = {mem.pack(m, "B x", 5, 1)}
  T.eq(r[1], false); T.eq(r[2], 6); T.eq(#r, 2)
  -- the alignment fits, the value does not: next is past the alignment
  r = {mem.pack(m, "!4 B i4", 2, 1, 2)}
  T.eq(r[1], false); T.eq(r[2], 5); T.eq(r[3], 2)
  r = {mem.pack(m, "!8 B i8", 2, 1, 2)}  -- the alignment does not fit
  T.eq(r[1], false); T.eq(r[2], 3); T.eq(r[3], 2)
  r = {mem.pack(mem.create(), "b", 1, 1)}
  T.eq(r[1], false); T.eq(r[2], 1); T.eq(r[3], 1)
  -- an empty reference (a NULL block in lua-memory) fails any option, even
  -- one of no bytes, and before its value is checked; formats still are
  r = {mem.pack(mem.create(), " c0", 1, "")}
  T.eq(r[1], false); T.eq(r[2], 1); T.eq(r[3], ""); T.eq(#r, 3)
  r = {mem.pack(mem.create(), "b", 1, "not a number")}
  T.eq(r[1], false); T.eq(r[3], "not a number")
  T.eq(select("#", mem.pack(mem.create(), "", 1)), 2)
  T.eq(mem.pack(mem.create(), "", 1), true)
  T.errors("out of limits", mem.pack, mem.create(), "i17", 1, 1)
  r = {mem.pack(mem.create(0), " c0", 1, "")}  -- an empty fixed one is fine
  T.eq(r[1], true); T.eq(r[2], 1); T.eq(#r, 2)
end)

T.case("pack errors as string.pack", function()
  local m = mem.create(32)
  T.errors("integer overflow", mem.pack, m, "b", 1, 128)
  T.errors("integer overflow", mem.pack, m, "i3", 1, -(1 << 23) - 1)
  T.errors("unsigned overflow", mem.pack, m, "B", 1, 256)
  T.errors("unsigned overflow", mem.pack, m, "I2", 1, -1)
  T.errors("bad argument #5", mem.pack, m, "bb", 1, 1, 200)
  T.errors("invalid format option 'y'", mem.pack, m, "y", 1, 1)
  T.errors("missing size for format option 'c'", mem.pack, m, "c", 1, "")
  T.errors("bad argument #4 to 'memory.pack' (wrong length)", mem.pack, m,
           "c2", 1, "abc")
  T.errors("wrong length", mem.pack, m, "c3", 1, "ab")  -- no padding
  T.eq(mem.pack(mem.create(2), "c3", 1, "abc"), false)  -- right, no room
  T.errors("string contains zeros", mem.pack, m, "z", 1, "a\0b")
  T.errors("does not fit in given size", mem.pack, m, "s1", 1,
           string.rep("x", 256))
  T.errors("integral size (17) out of limits [1,16]", mem.pack, m, "i17", 1, 1)
  T.errors("integral size (0) out of limits", mem.pack, m, "I0", 1, 1)
  T.errors("integral size (17) out of limits", mem.pack, m, "!17", 1)
  -- (argument 1 is blamed for these, as lua-memory does)
  T.errors("bad argument #1 to 'memory.pack' (invalid next option for option 'X')",
           mem.pack, m, "X", 1)
  T.errors("invalid next option for option 'X'", mem.pack, m, "Xc1", 1)
  T.errors("invalid next option for option 'X'", mem.pack, m, "Xz", 1)
  T.errors("bad argument #1 to 'memory.unpack' (invalid next option",
           mem.unpack, m, "X i")
  T.errors("bad argument #1 to 'memory.pack' (format asks for alignment not power of 2)",
           mem.pack, m, "!4 i3", 1, 1)
  T.errors("number expected, got string", mem.pack, m, "i", 1, "x")
  T.errors("number expected, got no value", mem.pack, m, "i", 1)
  T.errors("number expected, got string", mem.pack, m, "d", 1, "x")
  T.errors("string or memory expected, got table", mem.pack, m, "s", 1, {})
  T.errors("memory expected, got string", mem.pack, "abc", "b", 1, 1)
  T.errors("bad argument #2", mem.pack, m, nil, 1)
  -- memories as string values, even the target itself
  T.eq(mem.pack(m, "c3", 1, mem.create("abc")), true)
  T.errors("wrong length", mem.pack, m, "c3", 4, m)
  T.eq(mem.pack(m, "c32", 1, m), true)  -- m over itself
  T.eq(mem.pack(m, "s1", 4, mem.create("xy")), true)
  T.eq(mem.tostring(m, 1, 6), "abc\2xy")
end)

T.case("unpack errors as string.unpack", function()
  local M = mem.create
  T.errors("data string too short", mem.unpack, M(3), "i4")
  T.errors("data string too short", mem.unpack, M("\9ab"), "s1")
  T.errors("data string too short", mem.unpack, M("abc"), "c4")
  T.errors("unfinished string for format 'z'", mem.unpack, M("abc"), "z")
  T.errors("does not fit into Lua Integer", mem.unpack,
           M(string.rep("\1", 16)), "i16")
  T.eq(mem.unpack(M(string.rep("\255", 16)), "i16"), -1)
  -- a positive 16-byte value past maxinteger does not fit either
  T.errors("16-byte integer does not fit into Lua Integer", mem.unpack,
           M(("\0"):rep(8) .. ("\255"):rep(8)), ">i16")
  T.eq(mem.unpack(M(("\0"):rep(8) .. ("\255"):rep(8)), ">I16"), -1)
  T.errors("9-byte integer does not fit", mem.unpack, M(("\255"):rep(9)),
           "<I9")
  T.errors("invalid format option", mem.unpack, M("abc"), "Q")
  -- memories only: a string is not unpacked (string.unpack does that)
  T.errors("bad argument #1 to 'memory.unpack' (memory expected, got string)",
           mem.unpack, "abc", "b")
  T.errors("memory expected, got nil", mem.unpack, nil, "b")
  local z, pos = mem.unpack(M("ab\0cd"), "z")
  T.eq(z, "ab"); T.eq(pos, 4)
  local e, p2 = mem.unpack(M(""), "c0")
  T.eq(e, ""); T.eq(p2, 1)
  -- every start from before the first byte to just past the last
  local m = M("abc")
  for i = -4, 4 do T.eq(mem.unpack(m, "c0", i), "") end
  T.errors("index out of bounds", mem.unpack, m, "c0", 5)
end)

T.case("pack/unpack on a long memory", function()
  local n = 1 << 20
  local m = mem.create(n)
  T.eq(mem.pack(m, ">j", n - 7, math.mininteger), true)
  T.eq(mem.unpack(m, ">j", -8), math.mininteger)
  local big = string.rep("x", 70000)
  T.eq(mem.pack(m, "s4", 1, big), true)
  T.eq(mem.unpack(m, "s4"), big)
end)

-------------------------------------------------------------------------------
-- metamethods
-------------------------------------------------------------------------------

T.case("methods through __index", function()
  local m = mem.create("hello")
  T.eq(m:get(1), 104)
  T.eq(m:len(), 5)
  T.eq(m:tostring(2, 3), "el")
  m:set(1, 72)
  T.eq(m:find("llo"), 3)
  m:fill(0x61, 5)
  T.eq(m:tostring(), "Hella")
  T.eq(m:type(), "fixed")
  T.eq(m:diff("Hella"), nil)
  local r = mem.create()
  r:resize(2)
  T.eq(#r, 2)
  T.eq(r:pack("BB", 1, 3, 4), true)
  T.eq(select(2, r:unpack("BB")), 4)
  T.eq(m.nosuchmethod, nil)
end)

T.case("__len and __tostring", function()
  T.eq(#mem.create(9), 9)
  T.eq(#mem.create(), 0)
  T.eq(tostring(mem.create("abc")), "abc")
  T.eq(tostring(mem.create()), "")
  T.eq(string.format("%s", mem.create("fmt")), "fmt")
end)

T.case("__concat", function()
  local a, b = mem.create("ab"), mem.create("cd")
  T.eq(a .. b, "abcd")
  T.eq(math.type(#(a .. b)), "integer")
  T.eq(type(a .. b), "string")
  T.eq(a .. "x", "abx")
  T.eq("x" .. a, "xab")
  T.eq(1 .. a, "1ab")
  T.eq(a .. 2.5, "ab2.5")
  T.eq("<" .. a .. b .. ">", "<abcd>")
  T.eq(mem.create(0) .. mem.create(0), "")
  -- an empty reference is no array to concat (its block is NULL in
  -- lua-memory): resizable, closed or made by C
  local closed = mem.create()
  mem.resize(closed, 3)
  do local c <close> = closed end
  for _, e in ipairs{mem.create(), closed} do
    T.errors("attempt to concat a 'userdata' with a 'string'",
             function() return e .. "x" end)
    T.errors("attempt to concat a 'string' with a 'userdata'",
             function() return "x" .. e end)
    T.errors("attempt to concat a 'userdata' with a 'userdata'",
             function() return e .. a end)
  end
  local other = setmetatable({}, {__concat = function(x, y)
    return "meta:" .. type(x) .. "," .. type(y)
  end})
  T.eq(a .. other, "meta:userdata,table")
  T.eq(other .. a, "meta:table,userdata")
  T.errors("attempt to concat a 'userdata' with a 'boolean'",
           function() return a .. true end)
  T.errors("attempt to concat a 'table' with a 'userdata'",
           function() return {} .. a end)
  T.errors("attempt to concat a 'userdata' with a 'nil'",
           function() return a .. nil end)
  -- called directly, only the second operand's __concat is used
  local concat = getmetatable(a).__concat
  T.eq(concat(a, other), "meta:userdata,table")
  T.errors("attempt to concat a 'table' with a 'userdata'", concat, other, a)
end)

T.case("__close of resizable memories", function()
  local r = mem.create()
  mem.resize(r, 16, "data")
  do
    local scoped <close> = r
    T.eq(#scoped, 16)
  end
  T.eq(mem.type(r), "other")
  T.eq(#r, 0)
  T.eq(tostring(r), "")
  T.eq(mem.get(r, 1), nil)
  T.errors("index out of bounds", mem.set, r, 1, 1)
  mem.fill(r, 1)
  T.eq(mem.find(r, "d"), nil)
  T.eq(mem.pack(r, "b", 1, 1), false)
  T.errors("resizable memory expected", mem.resize, r, 1)
  -- an empty one is left as it is: still resizable
  local e = mem.create()
  do local scoped <close> = e end
  T.eq(mem.type(e), "resizable")
  mem.resize(e, 2)
  do local scoped <close> = e end
  T.eq(mem.type(e), "other")
  -- closing on an error path too
  local r2 = mem.create()
  mem.resize(r2, 4)
  pcall(function() local c <close> = r2; error("boom") end)
  T.eq(mem.type(r2), "other")
  -- fixed memories are not closable
  T.errors("non-closable", load("local c <close> = memory.create(1)"))
end)

T.case("garbage collection of many memories", function()
  for _ = 1, 2000 do
    local r = mem.create()
    mem.resize(r, 100)
    mem.create(100)
  end
  collectgarbage()
  collectgarbage()
  T.ok(true)
end)

os.exit(T.summary(), true)  -- close the state: finalizers run too
