-- Linux cooked capture header v2, LINKTYPE_LINUX_SLL2 (20 bytes);
-- `protocol` is the ethertype of what follows.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="protocol"     , type="number", bytes=2 },
  { key="reserved"     , type="number", bytes=2 },
  { key="ifindex"      , type="number", bytes=4 },
  { key="arphrdtype"   , type="number", bytes=2 },
  { key="packettype"   , type="number", bytes=1 },
  { key="addresslength", type="number", bytes=1 },
  { key="address"      , type="string", bytes=8 },
}
