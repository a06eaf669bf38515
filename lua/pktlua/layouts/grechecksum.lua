-- GRE checksum part (RFC 2784; 4 bytes): right after the base header
-- (pktlua.layouts.gre) when its checksumpresent is set. The checksum
-- covers the GRE header and payload, so it is not declared to the layout:
-- after changing them, recompute it (checksum.inet over them).
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="checksum" , type="number", bytes=2 },
  { key="reserved1", type="number", bytes=2 },
}
