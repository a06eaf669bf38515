-- Linux cooked capture header v2, LINKTYPE_LINUX_SLL2 (20 bytes);
-- `protocol` is the ethertype of what follows.
local layout = require "layout"

return layout.struct{
  { key="protocol"     , type="number", bytes=2, endian="big" },
  { key="reserved"     , type="number", bytes=2, endian="big" },
  { key="ifindex"      , type="number", bytes=4, endian="big" },
  { key="arphrdtype"   , type="number", bytes=2, endian="big" },
  { key="packettype"   , type="number", bytes=1, endian="big" },
  { key="addresslength", type="number", bytes=1, endian="big" },
  { key="address"      , type="string", bytes=8 },
}
