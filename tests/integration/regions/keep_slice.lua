-- keep_slice.lua: keeps a slice of `pkt` (and a layout pointer on it, and
-- a reader over it) from one packet to the next, as a careless script
-- would; every later packet checks that they show nothing, while a new
-- slice shows the packet's bytes, and a layout pointer on a slice of the
-- IP header reads what one on `pkt` at info.l3 reads. finish() prints the
-- tally.
local memory = require "memory"
local layout = require "layout"
local S = layout.struct{ { key = "w", bytes = 4, endian = "big" } }
local IP = layout.struct{
  { key = "version", bits = 4, endian = "big" },
  { key = "ihl", bits = 4, endian = "big" },
  { key = "tos", bytes = 1 },
  { key = "totallength", bytes = 2, endian = "big" },
  { key = "ident", bytes = 2, endian = "big" },
  { key = "frag", bytes = 2, endian = "big" },
  { key = "ttl", bytes = 1 },
  { key = "protocol", bytes = 1 },
  { key = "checksum", bytes = 2, endian = "big" },
  { key = "source", bytes = 4, endian = "big" },
  { key = "destination", bytes = 4, endian = "big" },
}
local IPKEYS = { "version", "ihl", "tos", "totallength", "ident", "frag",
                 "ttl", "protocol", "checksum", "source", "destination" }
local p = layout.newpointer(S)
local ip, ipslice = layout.newpointer(IP), layout.newpointer(IP)
local kept, keptreader, keptip
local n, bad, ipn = 0, 0, 0

local function check(cond, what)
  if not cond then
    bad = bad + 1
    io.stderr:write("packet ", n, ": ", what, "\n")
  end
end

function packet(pkt, info)
  n = n + 1
  if kept then
    check(#kept == 0, "kept slice not empty: " .. #kept)
    check(memory.get(kept, 1) == nil, "kept slice readable")
    check(memory.tostring(kept) == "", "kept slice has bytes")
    check(not pcall(function() return p.w end), "pointer on kept slice read")
    check(keptreader:uint(1) == nil, "reader over kept slice read")
    if keptip then
      check(not pcall(function() return ipslice.ttl end),
            "pointer on kept IP slice read")
      keptip = nil
    end
  end
  local s = memory.slice(pkt, 3, 14)
  check(memory.tostring(s) == memory.tostring(pkt):sub(3, 14),
        "fresh slice differs")
  memory.set(s, 1, memory.get(s, 1))   -- writes through, same value
  kept = s
  keptreader = memory.reader(s)
  layout.setpointer(p, s)
  check(p.w == memory.unpack(pkt, ">I4", 3), "pointer on fresh slice")
  if info.ipversion == 4 and info.caplen >= info.l3 + 19 then
    layout.setpointer(ip, pkt, info.l3)
    keptip = memory.slice(pkt, info.l3)
    layout.setpointer(ipslice, keptip)
    for _, k in ipairs(IPKEYS) do
      check(ipslice[k] == ip[k], "IP slice field " .. k .. ": " ..
            tostring(ipslice[k]) .. " ~= " .. tostring(ip[k]))
    end
    check(ipslice.version == 4, "IP slice version")
    ipslice.ttl = ipslice.ttl            -- writes through, same value
    ipn = ipn + 1
  end
  if n % 7 == 0 then collectgarbage() end
  return true
end

function finish()
  print(("packets %d bad %d ip %d"):format(n, bad, ipn))
end
