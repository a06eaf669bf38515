-- GRE key (RFC 2890; 4 bytes): after the base header (pktlua.layouts.gre)
-- and the checksum part, if present, when keypresent is set.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="key", type="number", bytes=4 },
}
