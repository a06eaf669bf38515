-- GRE sequence number (RFC 2890; 4 bytes): after the base header
-- (pktlua.layouts.gre), the checksum part and the key, those present, when
-- sequencepresent is set.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="sequence", type="number", bytes=4 },
}
