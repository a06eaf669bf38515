-- ICMPv6 header (RFC 4443; 8 bytes) with the echo request/reply fields; for
-- other types ident and sequence are the 4 "rest of header" bytes.
-- The checksum covers the IPv6 pseudo-header and the whole message, these
-- fields included, so it is declared: writes through a pointer update it
-- incrementally (RFC 1624).
local layout = require "layout"

return layout.struct{
  { key="type"    , type="number", bytes=1, endian="big" },
  { key="code"    , type="number", bytes=1, endian="big" },
  { key="checksum", type="number", bytes=2, endian="big" },
  { key="ident"   , type="number", bytes=2, endian="big" },
  { key="sequence", type="number", bytes=2, endian="big" },
  checksum = "checksum",
}
