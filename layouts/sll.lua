-- Linux cooked capture header, LINKTYPE_LINUX_SLL (16 bytes); `protocol` is
-- the ethertype of what follows.
local layout = require "layout"

return layout.struct{
  { key="packettype"   , type="number", bytes=2, endian="big" },
  { key="arphrdtype"   , type="number", bytes=2, endian="big" },
  { key="addresslength", type="number", bytes=2, endian="big" },
  { key="address"      , type="string", bytes=8 },
  { key="protocol"     , type="number", bytes=2, endian="big" },
}
