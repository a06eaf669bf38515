-- Ethernet II header (14 bytes). An 802.1Q/802.1ad tag, when ethertype is
-- 0x8100 or 0x88a8, follows as pktlua.layouts.vlan.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="destination", type="string", bytes=6 },
  { key="source"     , type="string", bytes=6 },
  { key="ethertype"  , type="number", bytes=2 },
}
