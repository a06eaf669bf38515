-- UDP header (RFC 768; 8 bytes). The checksum is not declared to the layout:
-- 0 means "no checksum" over IPv4 and an incremental update would turn it
-- into a wrong one. After changing fields, use checksum.fixl4(pkt, l3).
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="sourceport"     , type="number", bytes=2 },
  { key="destinationport", type="number", bytes=2 },
  { key="length"         , type="number", bytes=2 },
  { key="checksum"       , type="number", bytes=2 },
}
