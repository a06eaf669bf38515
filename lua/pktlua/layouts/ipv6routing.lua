-- IPv6 routing header, its fixed part (RFC 8200 4.4; 4 bytes), next
-- header 43. Type-specific data follows; the whole header spans
-- (length + 1) * 8 bytes, like every pktlua.layouts.ipv6ext.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="nextheader"  , type="number", bytes=1 },
  { key="length"      , type="number", bytes=1 },  -- 8-byte units after 8
  { key="routingtype" , type="number", bytes=1 },
  { key="segmentsleft", type="number", bytes=1 },
}
