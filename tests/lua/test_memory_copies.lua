-- test_memory_copies.lua [copyfirst]: memories crossing two copies of the
-- C library in one process: memory.so (libluamemlib.so) and testmemcopy.so
-- (static copy, like layout.so). With "copyfirst" the static copy makes
-- the metatables; otherwise memory.so does. Both find them by name.
local T = require "testlib"
local copyfirst = arg[1] == "copyfirst"

local copy, memory
if copyfirst then
  copy = require "testmemcopy"
  early = copy.newalloc("early")  -- metatables made by the static copy
  memory = require "memory"
else
  memory = require "memory"
  early = memory.create("early")
  copy = require "testmemcopy"
end

T.case("the static copy recognizes the module's memories", function()
  for _ = 1, 3 do
    T.eq(copy.type(memory.create(4)), 1)
    local r = memory.create()
    memory.resize(r, 3)
    T.eq(copy.type(r), 2)
    T.eq(copy.len(r), 3)
    T.eq(copy.type("a string"), 0)
    T.eq(copy.type(setmetatable({}, getmetatable(r))), 0)
  end
  T.errors("memory expected, got string", copy.len, "abc")
end)

T.case("the module takes the static copy's memories", function()
  for _ = 1, 3 do
    local a = copy.newalloc("xyz")
    T.eq(memory.type(a), "fixed")
    T.eq(memory.tostring(a), "xyz")
    T.eq(a:get(1), 120)  -- methods too
    local e = copy.newref()
    T.eq(memory.type(e), "other")
    T.eq(tostring(e), "static bytes")
    T.eq(#e, 12)
  end
  T.eq(tostring(early), "early")
  T.eq(memory.type(early), "fixed")
end)

T.case("both copies re-point the same reference", function()
  local r = memory.create()
  memory.resize(r, 2)
  local e = copy.newref()
  T.eq(copy.setref(e), true)
  T.eq(tostring(e), "static")
  T.eq(copy.setref(memory.create(1)), false)  -- fixed: not a reference
  do local c <close> = e end
  T.eq(#e, 0)
  T.eq(memory.type(e), "other")
end)

T.case("alternating copies stay correct", function()
  local m, a = memory.create(2), copy.newalloc("ab")
  for i = 1, 1000 do
    T.eq(copy.type(m), 1)
    T.eq(memory.len(a), 2)
    if i % 100 == 0 then collectgarbage() end
  end
end)

os.exit(T.summary(), true)
