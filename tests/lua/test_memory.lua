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
  T.eq(mem.type(mem.create(nil)), "resizable")
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
  T.errors("number, string or memory expected, got table", mem.create, {})
  T.errors("got boolean", mem.create, true)
  T.errors("invalid size", mem.create, -1)
  T.errors("invalid size", mem.create, math.mininteger)
  T.errors("number has no integer representation", mem.create, 1.5)
  T.errors("bad argument #2", mem.create, "abc", "x")
  T.errors("bad argument #3", mem.create, "abc", 1, {})
end)

T.case("create huge sizes raise errors", function()
  for _, n in ipairs{math.maxinteger, 1 << 62, (1 << 48) + 3} do
    local ok, err = pcall(mem.create, n)
    T.ok(not ok, "create(" .. n .. ") must fail")
    T.ok(err:find("memory") or err:find("too big"), err)
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
  T.errors("bad argument #1", mem.type)
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

T.case("resize fills from s at o", function()
  local m = mem.create()
  mem.resize(m, 7, "ab")
  T.eq(tostring(m), "abababa")
  mem.resize(m, 9, "xyz", 2)
  T.eq(tostring(m), "abababayz")
  mem.resize(m, 11, "xyz", -1)
  T.eq(tostring(m), "abababayzzz")
  mem.resize(m, 12, "xyz", 4)  -- no contents: zeros
  T.eq(tostring(m), "abababayzzz\0")
  mem.resize(m, 13, "")
  T.eq(tostring(m), "abababayzzz\0\0")
  mem.resize(m, 15, mem.create("Q"))
  T.eq(tostring(m), "abababayzzz\0\0QQ")
  mem.resize(m, 2, "ignored when shrinking")
  T.eq(tostring(m), "ab")
  -- its own old contents as the pattern
  mem.resize(m, 7, m)
  T.eq(tostring(m), "abababa")
  mem.resize(m, 9, m, -1)
  T.eq(tostring(m), "abababaaa")
  mem.resize(m, 10, "xyz", -100)  -- o clipped to 1
  T.eq(tostring(m), "abababaaax")
end)

T.case("resize errors name the type", function()
  T.errors("resizable memory expected, got fixed", mem.resize,
           mem.create(2), 4)
  T.errors("bad argument #1", mem.resize, mem.create(2), 4)
  T.errors("resizable memory expected, got string", mem.resize, "ab", 4)
  T.errors("resizable memory expected, got nil", mem.resize, nil, 4)
  local r = mem.create()
  do local closing <close> = r end
  T.errors("resizable memory expected, got other", mem.resize, r, 4)
  T.errors("invalid size", mem.resize, mem.create(), -1)
  T.errors("bad argument #2", mem.resize, mem.create(), "x")
  T.errors("bad argument #3", mem.resize, mem.create(), 3, {})
end)

T.case("resize to a huge size fails and keeps the contents", function()
  local m = mem.create()
  mem.resize(m, 4, "keep")
  for _, n in ipairs{math.maxinteger, 1 << 62} do
    local ok, err = pcall(mem.resize, m, n)
    T.ok(not ok)
    T.ok(err:find("not enough memory"), err)
    T.eq(tostring(m), "keep")
  end
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
  T.errors("memory or string expected, got table", mem.tostring, {})
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
  T.errors("slice too long", mem.get, m, 1, -1)  -- a million results
end)

-- the model of set: write from the clipped start, drop what does not fit
local function modelset(s, i, ...)
  local len = #s
  local p = posstart(i, len)
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
      mem.set(m, i, table.unpack(vals))
      T.eq(tostring(m), modelset(s, i, table.unpack(vals)),
           ("set(m,%d, %d values)"):format(i, n))
    end
  end
  local m = mem.create(s)
  mem.set(m, math.maxinteger, 1, 2)
  mem.set(m, math.mininteger, 65)
  T.eq(tostring(m), "Abcdef")
  mem.set(mem.create(), 1, 1, 2, 3)  -- nothing to write
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
  r = d("\255", "\1")  -- bytes compare unsigned
  T.eq(r[1], 1); T.eq(r[2], false)
  -- the second result is m1 < m2 on the bytes
  local words = {"", "a", "ab", "b", "\0", "\0\0", "\255", "abc", "abd"}
  for _, a in ipairs(words) do
    for _, b in ipairs(words) do
      local i, lt = mem.diff(mem.create(a), b)
      T.eq(lt, a < b, ("diff(%q,%q)"):format(a, b))
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

-- the model of find, over string.find on the clipped range
local function modelfind(s, p, i, j, o)
  local len = #s
  i, j = posstart(i or 1, len), posend(j or -1, len)
  o = posstart(o or 1, #p)
  if i > j or o > #p then return nil end
  local r = s:sub(i, j):find(p:sub(o), 1, true)
  return r and r + i - 1
end

T.case("find against a string.find model", function()
  local s = "abcabcxabc"
  local m = mem.create(s)
  for _, p in ipairs{"a", "abc", "bcx", "c", "cx", "xabc", "z", "abcabcxabc",
                     "abcabcxabcd", ""} do
    for i = -12, 12, 3 do
      for j = -12, 12, 2 do
        for o = -5, 5 do
          T.eq(mem.find(m, p, i, j, o), modelfind(s, p, i, j, o),
               ("find(%q,%q,%d,%d,%d)"):format(s, p, i, j, o))
        end
      end
    end
    T.eq(mem.find(m, p), modelfind(s, p))
    T.eq(mem.find(s, mem.create(p)), modelfind(s, p))  -- string, memory
  end
  T.eq(mem.find(m, "c", 4), 6)
  T.eq(mem.find(m, "abc", 2, 5), nil)  -- does not fit in the range
  T.eq(mem.find(m, "abc", 2, 6), 4)
  T.eq(mem.find(m, "\0"), nil)
  T.eq(mem.find(mem.create("a\0b"), "\0b"), 2)
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
  T.errors("memory or string expected, got table", mem.fill, m, {})
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
  {"c5", "ab"}, {"c0", ""}, {"s1", "short"}, {"s2", ""},
}
for n = 1, 16 do
  samples[#samples + 1] = {"i" .. n, -1}
  samples[#samples + 1] = {"I" .. n, n < 8 and (1 << (8 * n)) - 1 or 3}
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
      -- unpack takes strings too
      T.eq((mem.unpack(want, fmt)), exp, fmt)
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
  -- "!4 i4" at position 2 pads to offset 4, as unpack reads it back
  mem.fill(m, 0xee)
  local ok, n2 = mem.pack(m, "!4 b i4", 2, 1, 0x01020304)
  T.eq(ok, true); T.eq(n2, 9)
  T.eq(mem.tostring(m, 2, 4), "\1\0\0")
  local b, i, pos = mem.unpack(m, "!4 b i4", 2)
  T.eq(b, 1); T.eq(i, 0x01020304); T.eq(pos, 9)
  -- positions at the end: nothing fits, nothing to read
  T.eq(select(2, mem.pack(m, "", 11)), 11)
  T.eq(select("#", mem.unpack(m, "", 11)), 1)
  T.errors("initial position out of memory", mem.pack, m, "b", 12, 1)
  T.errors("initial position out of memory", mem.unpack, m, "b", 12)
  T.errors("bad argument #3", mem.pack, m, "b", nil, 1)
  T.eq(mem.unpack(m, "B", -100), 0xee)  -- clipped to 1 like string.unpack
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
  -- strings: the length prefix is not written alone
  r = {mem.pack(m, "s1", 1, "toolong")}
  T.eq(r[1], false); T.eq(r[2], 1); T.eq(r[3], "toolong")
  T.eq(tostring(m), "\0\1\0\2\0")
  r = {mem.pack(m, "z", 2, "four")}
  T.eq(r[1], false); T.eq(r[2], 2); T.eq(r[3], "four")
  r = {mem.pack(m, "B x B", 4, 1, 2)}
  T.eq(r[1], false); T.eq(r[2], 6); T.eq(r[3], 2)
  r = {mem.pack(m, "B x B", 5, 1, 2)}  -- the padding does not fit
  T.eq(r[1], false); T.eq(r[2], 6); T.eq(r[3], 2); T.eq(#r, 3)
  r = {mem.pack(m, "B x", 5, 1)}
  T.eq(r[1], false); T.eq(r[2], 6); T.eq(#r, 2)
  r = {mem.pack(m, "!4 B i4", 2, 1, 2)}
  T.eq(r[1], false); T.eq(r[2], 3); T.eq(r[3], 2)
  r = {mem.pack(mem.create(), "b", 1, 1)}
  T.eq(r[1], false); T.eq(r[2], 1); T.eq(r[3], 1)
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
  T.errors("string longer than given size", mem.pack, m, "c2", 1, "abc")
  T.errors("string contains zeros", mem.pack, m, "z", 1, "a\0b")
  T.errors("does not fit in given size", mem.pack, m, "s1", 1,
           string.rep("x", 256))
  T.errors("integral size (17) out of limits [1,16]", mem.pack, m, "i17", 1, 1)
  T.errors("integral size (0) out of limits", mem.pack, m, "I0", 1, 1)
  T.errors("integral size (17) out of limits", mem.pack, m, "!17", 1)
  T.errors("invalid next option for option 'X'", mem.pack, m, "X", 1)
  T.errors("invalid next option for option 'X'", mem.pack, m, "Xc1", 1)
  T.errors("invalid next option for option 'X'", mem.pack, m, "Xz", 1)
  T.errors("alignment not power of 2", mem.pack, m, "!4 i3", 1, 1)
  T.errors("number expected, got string", mem.pack, m, "i", 1, "x")
  T.errors("number expected, got no value", mem.pack, m, "i", 1)
  T.errors("number expected, got string", mem.pack, m, "d", 1, "x")
  T.errors("memory or string expected, got table", mem.pack, m, "s", 1, {})
  T.errors("memory expected, got string", mem.pack, "abc", "b", 1, 1)
  T.errors("bad argument #2", mem.pack, m, nil, 1)
  -- memories as string values, even the target itself
  T.eq(mem.pack(m, "c3", 1, mem.create("abc")), true)
  T.errors("string longer than given size", mem.pack, m, "c3", 4, m)
  T.eq(mem.pack(m, "c32", 1, m), true)  -- m over itself
  T.eq(mem.pack(m, "s1", 4, mem.create("xy")), true)
  T.eq(mem.tostring(m, 1, 6), "abc\2xy")
end)

T.case("unpack errors as string.unpack", function()
  T.errors("data string too short", mem.unpack, mem.create(3), "i4")
  T.errors("data string too short", mem.unpack, mem.create("\9ab"), "s1")
  T.errors("data string too short", mem.unpack, "abc", "c4")
  T.errors("unfinished string for format 'z'", mem.unpack, mem.create("abc"), "z")
  T.errors("does not fit into Lua Integer", mem.unpack,
           string.rep("\1", 16), "i16")
  T.eq(mem.unpack(string.rep("\255", 16), "i16"), -1)
  -- a positive 16-byte value past maxinteger does not fit either
  T.errors("does not fit into Lua Integer", mem.unpack,
           ("\0"):rep(8) .. ("\255"):rep(8), ">i16")
  T.eq(mem.unpack(("\0"):rep(8) .. ("\255"):rep(8), ">I16"), -1)
  T.errors("invalid format option", mem.unpack, "abc", "Q")
  T.errors("memory or string expected, got nil", mem.unpack, nil, "b")
  local z, pos = mem.unpack(mem.create("ab\0cd"), "z")
  T.eq(z, "ab"); T.eq(pos, 4)
  local e, p2 = mem.unpack(mem.create(""), "c0")
  T.eq(e, ""); T.eq(p2, 1)
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
  T.eq(mem.create() .. mem.create(), "")
  local other = setmetatable({}, {__concat = function(x, y)
    return "meta:" .. type(x) .. "," .. type(y)
  end})
  T.eq(a .. other, "meta:userdata,table")
  T.eq(other .. a, "meta:table,userdata")
  T.errors("attempt to concatenate a boolean value", function() return a .. true end)
  T.errors("attempt to concatenate a table value", function() return {} .. a end)
  T.errors("attempt to concatenate a nil value", function() return a .. nil end)
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
  mem.set(r, 1, 1)  -- nothing to write
  mem.fill(r, 1)
  T.eq(mem.find(r, "d"), nil)
  T.eq(mem.pack(r, "b", 1, 1), false)
  T.errors("got other", mem.resize, r, 1)
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
