-- keep_slice.lua: keeps a slice of `pkt` (and a layout pointer on it, and
-- a reader over it) from one packet to the next, as a careless script
-- would; every later packet checks that they show nothing, while a new
-- slice shows the packet's bytes. finish() prints the tally.
local memory = require "memory"
local layout = require "layout"
local S = layout.struct{ { key = "w", bytes = 4, endian = "big" } }
local p = layout.newpointer(S)
local kept, keptreader
local n, bad = 0, 0

local function check(cond, what)
  if not cond then
    bad = bad + 1
    io.stderr:write("packet ", n, ": ", what, "\n")
  end
end

function packet(pkt)
  n = n + 1
  if kept then
    check(#kept == 0, "kept slice not empty: " .. #kept)
    check(memory.get(kept, 1) == nil, "kept slice readable")
    check(memory.tostring(kept) == "", "kept slice has bytes")
    check(not pcall(function() return p.w end), "pointer on kept slice read")
    check(keptreader:uint(1) == nil, "reader over kept slice read")
  end
  local s = memory.slice(pkt, 3, 14)
  check(memory.tostring(s) == memory.tostring(pkt):sub(3, 14),
        "fresh slice differs")
  memory.set(s, 1, memory.get(s, 1))   -- writes through, same value
  kept = s
  keptreader = memory.reader(s)
  layout.setpointer(p, s)
  if n % 7 == 0 then collectgarbage() end
  return true
end

function finish()
  print(("packets %d bad %d"):format(n, bad))
end
