-- rockspec.lua: the modules and Lua files a `luarocks make` installed work
-- together under the stock lua5.4, found through the rock tree's paths only.
local memory = require "memory"
local layout = require "layout"
local checksum = require "checksum"
local ipv4 = layout.newpointer(require "layouts.ipv4")
assert(type(require "pktlua.ipv4") == "table")

-- an IPv4 header, 20 bytes: TTL 64, UDP, 10.1.7.20 -> 192.168.0.1
local hdr = memory.create("\x45\x00\x00\x1c\x00\x01\x00\x00\x40\x11\x00\x00"
                          .. "\x0a\x01\x07\x14\xc0\xa8\x00\x01")
layout.setpointer(ipv4, hdr)
assert(ipv4.version == 4 and ipv4.timetolive == 64)
assert(checksum.fixipv4(hdr) and checksum.verifyipv4(hdr) == true)
ipv4.timetolive = 63      -- the layout keeps the header checksum valid
assert(checksum.verifyipv4(hdr) == true)
print("rock: ok")
