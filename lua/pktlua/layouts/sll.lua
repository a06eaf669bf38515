-- Linux cooked capture header, LINKTYPE_LINUX_SLL (16 bytes); `protocol` is
-- the ethertype of what follows.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="packettype"   , type="number", bytes=2 },
  { key="arphrdtype"   , type="number", bytes=2 },
  { key="addresslength", type="number", bytes=2 },
  { key="address"      , type="string", bytes=8 },
  { key="protocol"     , type="number", bytes=2 },
}
