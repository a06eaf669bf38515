-- ICMP header (RFC 792; 8 bytes) with the echo request/reply fields; for
-- other types ident and sequence are the 4 "rest of header" bytes.
-- The checksum covers the whole ICMP message, header included, so it is
-- declared: writes through a pointer update it incrementally (RFC 1624).
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="type"    , type="number", bytes=1 },
  { key="code"    , type="number", bytes=1 },
  { key="checksum", type="number", bytes=2 },
  { key="ident"   , type="number", bytes=2 },
  { key="sequence", type="number", bytes=2 },
  checksum = "checksum",
}
