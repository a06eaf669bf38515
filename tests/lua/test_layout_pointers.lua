-- test_layout_pointers.lua: pointers: their errors, access
-- errors, struct assignment, bounds at every position and length,
-- resizable and referenced memories, re-pointing, the memory's head.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"
local F = require "layout_fixtures"
local S4, hostbig = F.S4, F.hostbig

T.case("pointer errors say what is wrong", function ()
  local ip = layout.setpointer(layout.newpointer(layout.struct{
    { key = "version", bits = 4 }, { bits = 4 }, { key = "timetolive", bytes = 1 },
    { key = "source", type = "struct", { key = "a", bytes = 1 }, { key = "b", bytes = 1 } },
  }), memory.create(4))
  T.errors("no field 'ttl' in struct (version, timetolive, source)",
           function () return ip.ttl end)
  T.errors("no field 'ttl' in struct (version, timetolive, source)",
           function () ip.ttl = 1 end)
  T.errors("no field 'c' in struct (a, b)", function () return ip.source.c end)
  T.errors("no field 'source.c' in struct (a, b)", layout.offsetof, ip, "source.c")
  T.errors("'version' is not a struct", layout.offsetof, ip, "version.x")
  -- a struct of many keys lists the first ones
  local many = {}
  for j = 1, 40 do many[j] = { key = "k" .. j, bits = 1 } end
  local q = layout.newpointer(layout.struct(many))
  local err = T.errors("(k1, k2, k3, ", function () return q.nope end)
  T.ok(err:find(", k24, ...)", 1, true) and not err:find("k25", 1, true), err)
  -- ...and a long key or long names are cut: the message stays a line
  local long = {}
  for j = 1, 10 do long[j] = { key = string.rep("n", 100) .. j, bits = 1 } end
  local lq = layout.newpointer(layout.struct(long))
  err = T.errors("no field '" .. string.rep("x", 48) .. "...' in struct (" ..
                 string.rep("n", 48) .. "..., ", function ()
                   return lq[string.rep("x", 1000)] end)
  T.ok(#err < 500 and err:find(", ...)", 1, true), err)
  -- an explicit nil position is an error, not position 1 (a script's nil
  -- info.l3 would otherwise read the wrong bytes silently)
  local p = layout.newpointer(layout.struct{ { key = "a", bytes = 1 } })
  T.errors("setpointer' (number expected, got nil)",
           layout.setpointer, p, memory.create(4), nil)
  T.errors("number has no integer representation", layout.setpointer, p, memory.create(4), 1.5)
  layout.setpointer(p, memory.create("\7"))  -- absent: position 1
  T.eq(p.a, 7)
end)

T.case("access errors", function ()
  local q = layout.newpointer(S4)
  -- never set, then unset
  T.errors("out of bounds", function () return q.a end)
  T.errors("out of bounds", function () q.b = 1 end)
  T.errors("out of bounds", function () return q["in"].x end)
  T.errors("out of bounds", function () return q.s end)
  local mm = memory.create(4)
  layout.setpointer(q, mm)
  q.a = 7
  layout.setpointer(q, nil)
  T.errors("out of bounds", function () return q.a end)
  T.errors("out of bounds", function () q["in"].x = 1 end)
  layout.setpointer(q, mm)
  T.eq(q.a, 7)
  T.errors("unsigned overflow", function () q.a = 8 end)
  T.errors("unsigned overflow", function () q.a = -1 end)
  T.errors("unsigned overflow", function () q.b = 1 << 13 end)
  T.errors("unsigned overflow", function () q["in"].x = 128 end)
  T.eq(q.a, 7)  -- nothing written
  T.errors("size mismatch", function () q.s = "ab" end)
  T.errors("size mismatch", function () q.s = "" end)
  T.errors("size mismatch", function () q["in"] = "ab" end)
  T.errors("number has no integer representation", function () q.a = 1.5 end)
  T.errors("integer expected", function () q.a = "x" end)
  T.errors("integer expected", function () q.a = nil end)
  T.errors("boolean expected", function () q.f = 1 end)
  T.errors("string or memory expected", function () q.s = 65 end)
  T.errors("no field 'zz'", function () return q.zz end)
  T.errors("no field 'zz'", function () q.zz = 1 end)
  T.errors("no field", function () return q[1] end)
  T.errors("no field", function () q[true] = 1 end)
  q.a = 3.0  -- integral floats are fine
  T.eq(q.a, 3)
  q.s = memory.create("Z")  -- a memory works as bytes too
  T.eq(q.s, "Z")
end)

T.case("struct assignment", function ()
  local S = layout.struct{
    { key = "x", bits = 4 },
    { key = "odd", type = "struct", { key = "a", bytes = 1 } },  -- at bit 4
    { key = "r", type = "struct", bytes = 2, { key = "a", bytes = 1 }, { key = "b", bytes = 1 } },
    { key = "t", type = "struct", { key = "a", bytes = 1 }, { key = "b", bytes = 1 } },
    { key = "u", type = "struct", { key = "a", bytes = 1 } },
    { key = "h", type = "struct", { key = "a", bits = 4 } },
    { key = "k", type = "struct", { key = "a", bits = 4 } },
  }
  local mm = memory.create(8)
  local q = layout.setpointer(layout.newpointer(S), mm)
  q.r.a, q.r.b = 1, 2
  q.t = q.r
  T.eq(q.t.a, 1); T.eq(q.t.b, 2)
  q.t = "\7\8"
  T.eq(q.t.b, 8)
  T.errors("size mismatch", function () q.u = q.r end)
  T.errors("size mismatch", function () q.r = q.u end)
  T.errors("unsupported", function () q.odd = q.u end)   -- destination at bit 4
  T.errors("unsupported", function () q.u = q.odd end)   -- source at bit 4
  T.errors("unsupported", function () q.h = q.k end)     -- half a byte
  T.errors("layout pointer, string or memory expected", function () q.t = 5 end)
  -- between memories and from a whole (root) pointer of the same size
  local R = layout.struct{ { key = "a", bytes = 1 }, { key = "b", bytes = 1 } }
  local other = memory.create("\9\10")
  local rp = layout.setpointer(layout.newpointer(R), other)
  q.t = rp
  T.eq(q.t.a, 9); T.eq(q.t.b, 10)
  layout.setpointer(rp, memory.create(1))
  T.errors("out of bounds", function () q.t = rp end)
  -- overlapping copy within one memory
  local O = layout.struct{ { key = "a", type = "struct", { key = "s", type = "string", bytes = 3 } },
                           { key = "b", type = "struct", { key = "s", type = "string", bytes = 3 } } }
  local om = memory.create("abcdefgh")
  local op = layout.setpointer(layout.newpointer(O), om, 2)
  op.a = op.b
  T.eq(memory.tostring(om), "aefgefgh")
end)

T.case("bounds: every position and memory length", function ()
  for len = 0, 9 do
    for pos = 1, len + 3 do
      local mm = memory.create(len)
      for i = 1, len do memory.set(mm, i, 0xa5) end
      local q = layout.setpointer(layout.newpointer(S4), mm, pos)
      local fits = pos - 1 + 4 <= len
      local ok1 = pcall(function () return q.a end)
      local ok2 = pcall(function () q.b = 0 end)
      local ok3 = pcall(function () q.s = "x" end)
      local ok4 = pcall(function () q["in"].x = 0 end)
      local ok5 = pcall(function () return q.f end)
      local ok6 = pcall(function () return q.s end)
      T.eq(ok1 and ok2 and ok3 and ok4 and ok5 and ok6, fits, len .. "/" .. pos)
      T.eq(ok1 or ok2 or ok3 or ok4 or ok5 or ok6, fits, len .. "/" .. pos)
      -- bytes before and after the struct are untouched
      for i = 1, len do
        if i < pos or i >= pos + 4 then T.eq(memory.get(mm, i), 0xa5) end
      end
      if not fits then
        T.errors("out of bounds", function () return q.a end)
        T.eq(tostring(q), "layout pointer (out of bounds)")
      end
    end
  end
  T.errors("position out of range", layout.setpointer, layout.newpointer(S4), memory.create(4), 0)
  T.errors("position out of range", layout.setpointer, layout.newpointer(S4), memory.create(4), -1)
  T.errors("bad argument #2 to '", layout.setpointer, layout.newpointer(S4), "abcd")
  T.errors("memory expected", layout.setpointer, layout.newpointer(S4), "abcd")
  T.errors("bad argument #1 to '", layout.setpointer, {}, memory.create(4))
  T.errors("nested struct", layout.setpointer, layout.newpointer(S4)["in"], memory.create(4))
  T.errors("bad argument #1 to '", layout.newpointer, {})
  -- huge positions do not wrap around
  local q = layout.setpointer(layout.newpointer(S4), memory.create(4), math.maxinteger)
  T.errors("out of bounds", function () return q.a end)
end)

T.case("resizable memories: length checked at each access", function ()
  local mm = memory.create()
  local q = layout.setpointer(layout.newpointer(S4), mm, 2)
  T.errors("out of bounds", function () return q.a end)
  memory.resize(mm, 5)
  q.a = 5
  q["in"].x = 100
  T.eq(q.a, 5)
  T.eq(q["in"].x, 100)
  memory.resize(mm, 4)
  T.errors("out of bounds", function () return q.a end)
  T.errors("out of bounds", function () return q["in"].x end)
  memory.resize(mm, 4096)  -- probably moves: the pointer follows
  T.eq(q.a, 5)  -- byte 2 survived both resizes
  q["in"].x = 99
  T.eq(q["in"].x, 99)
  T.eq((memory.get(mm, 5) >> (hostbig and 0 or 1)) & 0x7f, 99)  -- native, bit 25
end)

T.case("re-pointing: nested pointers follow memory and position", function ()
  local N = layout.struct{ { key = "h", bytes = 1 },
    { key = "o", type = "struct", { key = "i", type = "struct", { key = "v", bytes = 1 } } } }
  local function ref (s)
    local r = memory.create()
    memory.resize(r, #s, s)
    return r
  end
  local mems = { memory.create("\1\2\3\4"), ref("\5\6\7\8"), memory.create("\9\10\11\12"),
                 ref("\13\14\15\16") }
  local q = layout.newpointer(N)
  local inner = q.o.i  -- kept across re-pointing
  for round = 1, 3 do
    for k, mm in ipairs(mems) do
      for pos = 1, 2 do
        T.eq(layout.setpointer(q, mm, pos), q)
        local want = (k - 1) * 4 + pos + 1
        T.eq(q.h, want - 1)
        T.eq(q.o.i.v, want, round .. "/" .. k .. "/" .. pos)
        T.eq(inner.v, want)
        T.eq(rawequal(q.o.i, inner), true)
      end
    end
    layout.setpointer(q, nil)
    T.errors("out of bounds", function () return inner.v end)
  end
  -- a referenced memory re-pointed behind the pointer's back is followed
  local r = mems[2]
  layout.setpointer(q, r, 1)
  memory.resize(r, 0)
  memory.resize(r, 3, "\20\21\22")
  T.eq(inner.v, 21)
  memory.resize(r, 1)
  T.errors("out of bounds", function () return inner.v end)
end)

T.case("the pointer reads its memory through the memory's head", function ()
  local N = layout.struct{ { key = "h", bytes = 1 },
    { key = "o", type = "struct", { key = "v", bytes = 1 } } }
  local q = layout.newpointer(N)
  local inner = q.o
  -- the pointer alone keeps the memory (so its head) alive
  layout.setpointer(q, memory.create("\1\2\3"), 2)
  collectgarbage() collectgarbage()
  T.eq(q.h, 2)
  T.eq(inner.v, 3)
  -- the same memory again: only the position changes, and is still checked
  local mm = memory.create("\4\5\6")
  layout.setpointer(q, mm, 1)
  for pos = 1, 2 do
    layout.setpointer(q, mm, pos)
    T.eq(q.h, 3 + pos)
    T.eq(inner.v, 4 + pos)
  end
  T.errors("position out of range", function () layout.setpointer(q, mm, 0) end)
  T.errors("memory expected", function () layout.setpointer(q, "\1\2") end)
  T.eq(q.h, 5)  -- a failed setpointer leaves the view as it was
  layout.setpointer(q, nil)
  T.errors("out of bounds", function () return q.h end)
  layout.setpointer(q, nil, 7)  -- unset again: the position is ignored
  T.errors("out of bounds", function () return inner.v end)
  layout.setpointer(q, mm, 2)
  T.eq(inner.v, 6)
  -- a resizable memory closed as a to-be-closed variable: empty from then on
  local r = memory.create()
  memory.resize(r, 2, "\7\8")
  layout.setpointer(q, r)
  T.eq(inner.v, 8)
  do local c <close> = r end
  T.eq(#r, 0)
  T.errors("out of bounds", function () return q.h end)
  T.errors("out of bounds", function () q.h = 1 end)
  -- the debug library takes the memory's metatable: the pointer still
  -- sees the bytes the memory holds (never anything else)
  layout.setpointer(q, mm, 1)
  local mt = getmetatable(mm)
  debug.setmetatable(mm, nil)
  T.eq(q.h, 4)
  layout.setpointer(q, mm, 2)  -- the memory it holds: accepted as before
  T.eq(q.h, 5)
  layout.setpointer(q, nil)
  T.errors("memory expected", function () layout.setpointer(q, mm) end)
  debug.setmetatable(mm, mt)
end)

os.exit(T.summary())
