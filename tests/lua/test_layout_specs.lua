-- test_layout_specs.lua: compiling specs: every error a spec
-- can raise and its message, specs read once (through __index too),
-- struct-level endian, layout.fits.
local T = require "testlib"
local memory = require "memory"
local layout = require "layout"
local F = require "layout_fixtures"
local hex, fromhex = F.hex, F.fromhex

T.case("spec errors: unsupported type", function ()
  local bad = {
    { { key = "s", type = "string", bits = 12 } },
    { { key = "n", bits = 65 } },
    { { key = "n", bytes = 9 } },
    { { key = "b", type = "boolean", bits = 65 } },
    { { key = "n", type = "float", bits = 32 } },
    { { key = "n", bits = 8, endian = "middle" } },
    { { key = "n", bits = 0 } },
    { { key = "n", bits = -8 } },
    { { key = "n", bits = 8.5 } },
    { { key = "n", bits = "8" } },
    { { key = "n", bits = 8, bytes = 1 } },
    { { key = "n" } },
    { { key = "n", type = 3, bits = 8 } },
    { { key = "f", type = "boolean", bits = 1 }, { key = "s", type = "string", bits = 8 } },
    { { key = "x", bits = 4 }, { key = "in", type = "struct", { key = "s", type = "string", bytes = 1 } } },
    { { key = "in", type = "struct", bits = 4, { key = "a", bits = 5 } } },
    { { key = "n", bytes = math.maxinteger } },
  }
  for i, spec in ipairs(bad) do
    local err = T.errors("unsupported type", layout.struct, spec)
    T.ok(err:find("bad argument #1 to '", 1, true), i .. ": " .. err)
  end
  -- checksum fields: 16-bit numbers on a byte of the outermost struct
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "c", bytes = 1 } })
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "c", bits = 17 } })
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "x", bits = 4 }, { key = "c", bits = 16 } })
  T.errors("unsupported type", layout.struct,
           { checksum = "c", { key = "c", type = "string", bytes = 2 } })
  T.errors("checksum must name a field", layout.struct,
           { checksum = "nope", { key = "c", bytes = 2 } })
  T.errors("checksum must name a field", layout.struct,
           { checksum = "a", { key = "in", type = "struct", { key = "a", bytes = 2 } } })
end)

T.case("spec errors: misuse", function ()
  T.errors("bad argument #1 to '", layout.struct, 42)
  T.errors("table expected", layout.struct, 42)
  T.errors("field #2 is not a table", layout.struct, { { bits = 1 }, 7 })
  T.errors("duplicate key 'a'", layout.struct, { { key = "a", bits = 1 }, { key = "a", bits = 1 } })
  T.errors("key must be a string", layout.struct, { { key = 1, bits = 1 } })
  T.errors("zero byte", layout.struct, { { key = "a\0b", bits = 1 } })
  -- the same key in different nested structs is fine
  layout.struct{ { key = "a", bits = 1 }, { key = "s", type = "struct", { key = "a", bits = 1 } } }
  -- a spec that grows while it is compiled (its __index runs in between):
  -- each option is read once, so what was read is what is compiled
  local calls = 0
  local sneaky = setmetatable({}, { __index = function (t, k)
    if k == "type" then
      calls = calls + 1
      if calls > 1 then for j = 1, 50 do rawset(t, j, { key = "n" .. j, bits = 1 }) end end
      return "struct"
    end
  end })
  T.eq(layout.sizeof(layout.struct{ sneaky }), 0)
  T.eq(calls, 1)
  local deep = { key = "x", bits = 1 }
  for _ = 1, 100 do deep = { key = "s", type = "struct", deep } end
  T.errors("nested too deep", layout.struct, { deep })
  local many = {}
  for j = 1, 65536 do many[j] = { bits = 1 } end
  T.errors("too many fields", layout.struct, many)
  many[65536] = nil
  T.eq(select(2, layout.sizeof(layout.struct(many))), 65535)
end)

T.case("spec read once: a spec that changes its answers cannot recurse", function ()
  -- issue 11: `type` reads "number" when the fields were counted and
  -- "struct" (whose first field is itself) when they were compiled; the
  -- nesting limit held only in the first pass, so this recursed 65,535
  -- deep and overflowed the C stack
  local n = 0
  local f = setmetatable({ key = "s" }, { __index = function (_, k)
    if k == "type" then n = n + 1; return n == 1 and "number" or "struct" end
    if k == "bits" then return 8 end
  end })
  f[1] = f
  local spec = { f }
  for i = 2, 65535 do spec[i] = { bits = 1 } end
  local S = layout.struct(spec)  -- f read once: an 8-bit number
  T.eq(select(2, layout.sizeof(S)), 8 + 65534)
  T.eq(n, 1)
  -- a field that always says "struct" and contains itself: the limit
  -- holds on the way down
  local loop = setmetatable({ key = "s" }, { __index = function (_, k)
    if k == "type" then return "struct" end
  end })
  loop[1] = loop
  T.errors("nested too deep", layout.struct, { loop })
  -- a plain table nested in itself, too
  local self = { key = "s", type = "struct" }
  self[1] = self
  T.errors("nested too deep", layout.struct, { self })
  -- options come through __index like any Lua table's, each read once
  local reads = {}
  local counted = setmetatable({ key = "c" }, { __index = function (_, k)
    reads[k] = (reads[k] or 0) + 1
    if k == "bits" then return 4 end
  end })
  T.eq(select(2, layout.sizeof(layout.struct{ counted })), 4)
  for k, v in pairs(reads) do T.eq(v, 1, k) end
end)

T.case("struct-level endian: the default of its fields", function ()
  local m = memory.create(fromhex("0102030405060708"))
  local function read (spec)
    return layout.setpointer(layout.newpointer(layout.struct(spec)), m)
  end
  -- the default for every field without its own
  local p = read{ endian = "big", { key = "a", bytes = 2 }, { key = "b", bits = 4 },
                  { key = "c", bits = 12 } }
  T.eq(p.a, 0x0102); T.eq(p.b, 0x0); T.eq(p.c, 0x304)
  p = read{ endian = "little", { key = "a", bytes = 2 }, { key = "b", bits = 4 },
            { key = "c", bits = 12 } }
  T.eq(p.a, 0x0201); T.eq(p.b, 0x3); T.eq(p.c, 0x040)
  -- a field's own endian wins
  p = read{ endian = "big", { key = "a", bytes = 2, endian = "little" },
            { key = "b", bytes = 2 } }
  T.eq(p.a, 0x0201); T.eq(p.b, 0x0304)
  -- nested structs inherit it, unless they set their own (which their
  -- fields then inherit, and theirs in turn)
  p = read{ endian = "big",
    { key = "x", type = "struct", { key = "v", bytes = 2 } },
    { key = "y", type = "struct", endian = "little", { key = "v", bytes = 2 },
      { key = "z", type = "struct", { key = "v", bytes = 2 } },
      { key = "w", bytes = 2, endian = "big" } } }
  T.eq(p.x.v, 0x0102); T.eq(p.y.v, 0x0403); T.eq(p.y.z.v, 0x0605)
  T.eq(p.y.w, 0x0708)
  -- writes follow the same order
  p = read{ endian = "big", { key = "a", bytes = 4 } }
  p.a = 0x0a0b0c0d
  T.eq(hex(m, 1, 4), "0a0b0c0d")
  -- the same bytes as repeating endian on every field; native is the host's
  local same = layout.struct{ endian = "native", { key = "a", bytes = 4 } }
  local host = layout.struct{ { key = "a", bytes = 4 } }
  T.eq(layout.setpointer(layout.newpointer(same), m).a,
       layout.setpointer(layout.newpointer(host), m).a)
  -- with a checksum declared too
  local ck = layout.struct{ endian = "big", checksum = "c", { key = "v", bytes = 2 },
                            { key = "c", bytes = 2 } }
  local q = layout.setpointer(layout.newpointer(ck), memory.create(fromhex("00000000")))
  q.c = 0xffff; q.v = 0x1234
  T.eq(q.c, 0xffff - 0x1234)
  -- a wrong one says so
  T.errors("unsupported type (endian is 'bgi', not big, little or native)",
           layout.struct, { endian = "bgi", { key = "a", bytes = 1 } })
  T.errors("endian is a number", layout.struct, { endian = 1, { key = "a", bytes = 1 } })
  T.errors("field 'y': unsupported type (endian is 'mid'", layout.struct,
           { { key = "y", type = "struct", endian = "mid", { key = "a", bytes = 1 } } })
  -- read once, through __index like the fields' options
  local reads = 0
  local spec = setmetatable({ { key = "a", bytes = 2 } }, { __index = function (_, k)
    if k == "endian" then reads = reads + 1; return reads == 1 and "big" or "little" end
  end })
  T.eq(layout.setpointer(layout.newpointer(layout.struct(spec)), m).a, 0x0a0b)
  T.eq(reads, 1)
end)

T.case("fits: does a struct lie wholly in the bytes at a position", function ()
  local S = layout.struct{ endian = "big", { key = "a", bytes = 2 },
                           { key = "inner", type = "struct", { key = "b", bytes = 3 } } }
  local m = memory.create(7)
  -- struct, memory or string, every position around the edge
  for pos = -1, 9 do
    local want = pos >= 1 and pos + 4 <= 7
    T.eq(layout.fits(S, m, pos), want, "memory at " .. pos)
    T.eq(layout.fits(S, string.rep("x", 7), pos), want, "string at " .. pos)
  end
  T.eq(layout.fits(S, m), true)                      -- pos absent: 1
  T.eq(layout.fits(S, ""), false)
  T.eq(layout.fits(S, m, nil), false)                -- no position, no fit
  T.eq(layout.fits(S, m, math.maxinteger), false)
  T.eq(layout.fits(S, m, math.mininteger), false)
  -- a pointer stands for its struct; a nested one for its own bytes
  local p = layout.newpointer(S)
  T.eq(layout.fits(p, m, 3), true); T.eq(layout.fits(p, m, 4), false)
  T.eq(layout.fits(p.inner, m, 5), true); T.eq(layout.fits(p.inner, m, 6), false)
  -- a pointer alone: can every field be read where it is set
  T.eq(layout.fits(p), false)                        -- unset
  layout.setpointer(p, m, 3)
  T.eq(layout.fits(p), true); T.eq(layout.fits(p.inner), true)
  T.eq(p.inner.b, 0)
  layout.setpointer(p, m, 4)
  T.eq(layout.fits(p), false); T.eq(layout.fits(p.inner), false)
  T.errors("out of bounds", function () return p.inner.b end)
  -- it follows a memory's length at the time of the question
  local r = memory.create()
  memory.resize(r, 5)
  layout.setpointer(p, r, 1)
  T.eq(layout.fits(p), true)
  T.eq(layout.fits(p, r, 1), true); T.eq(layout.fits(p, r, 2), false)
  T.eq(layout.fits(p, m, 3), true)   -- another memory than its own
  T.eq(layout.fits(p, "12345"), true); T.eq(layout.fits(p, "1234"), false)
  memory.resize(r, 4)
  T.eq(layout.fits(p), false)
  T.eq(layout.fits(p, r, 1), false)  -- its own memory, at its new length
  T.eq(layout.fits(p.inner, r, 2), true)
  layout.setpointer(p, nil)
  T.eq(layout.fits(p), false)
  -- errors
  T.errors("layout pointer expected", layout.fits, S)
  T.errors("memory or string expected", layout.fits, S, 5)
  T.errors("memory or string expected", layout.fits, S, nil, 1)
  T.errors("number expected", layout.fits, S, m, "x")
  T.errors("number has no integer representation", layout.fits, S, m, 1.5)
  T.errors("bad argument #1", layout.fits, {}, m, 1)
end)

T.case("spec errors say what is wrong", function ()
  local function msg (spec) return select(2, pcall(layout.struct, spec)) end
  local function like (m, pat) T.ok(m:find(pat), m) end
  like(msg{ { key = "n", bits = 8, endian = "bgi" } },
          "field 'n': unsupported type %(endian is 'bgi', not big, little or native%)")
  like(msg{ { key = "n", bytes = 9 } },
          "field 'n': unsupported type %(bytes=9: a number or boolean has at most 64 bits%)")
  like(msg{ { key = "n", type = "float", bits = 32 } },
          "unsupported type %(type is 'float', not number, boolean, string or struct%)")
  like(msg{ { key = "n", type = 3, bits = 8 } }, "type is a number, not")
  like(msg{ { key = "n", bits = 8.5 } }, "bits=8.5 is not an integer")
  like(msg{ { key = "n", bits = "8" } }, "bits is a string, not an integer")
  like(msg{ { key = "n", bits = 0 } }, "bits=0 is out of range")
  like(msg{ { key = "n", bits = 8, bytes = 1 } }, "both bits and bytes given")
  like(msg{ { key = "n" } }, "field 'n': unsupported type %(no size")
  like(msg{ { bits = 4 }, { type = "string", bits = 12 } },
          "field #2: unsupported type %(bits=12: a string is whole bytes%)")
  like(msg{ { key = "in", type = "struct", bits = 4, { key = "a", bits = 5 } } },
          "field 'in': unsupported type %(bits=4: its fields exceed the declared size%)")
end)

os.exit(T.summary())
