-- Per-operation probe for bench/profile: each packet runs operation OP
-- (environment) K times; callgrind's count at K=10 minus K=0, over 10 x the
-- packets, is what one operation costs, its Lua call included (OP=none
-- measures that call alone).
local layout = require "layout"
local checksum = require "checksum"
local ip4 = layout.newpointer(require "layouts.ipv4")
local udp = layout.newpointer(require "layouts.udp")
local flat = layout.newpointer(layout.struct{
  { key="a", type="number", bytes=2, endian="big" },
})
local setpointer, update16 = layout.setpointer, checksum.update16
local K = math.tointeger(tonumber(os.getenv("K") or "0"))
local sink = 0

local ops = {
  none = function () end,
  info_l3 = function (pkt, l3, info) sink = info.l3 end,
  setpointer_ipv4 = function (pkt, l3) setpointer(ip4, pkt, l3) end,
  setpointer_flat = function (pkt, l3) setpointer(flat, pkt, l3) end,
  read = function () sink = ip4.timetolive end,
  read_bits = function () sink = ip4.version end,
  read_nested = function () sink = ip4.source.a end,
  write_checksummed = function () ip4.timetolive = 64 end,
  write = function () udp.length = 30 end,
  update16 = function () sink = update16(0x1234, 0x40, 0x3f) end,
  memory_get = function (pkt, l3) sink = pkt:get(l3 + 8) end,
}
local op = assert(ops[os.getenv("OP") or "none"], "unknown OP")

function packet (pkt, info)
  local l3 = info.l3
  setpointer(ip4, pkt, l3)
  setpointer(udp, pkt, l3 + 20)
  for _ = 1, K do op(pkt, l3, info) end
  return true
end
