-- The first 2 bytes every IPv6 extension header shares (RFC 8200 4.1; 2
-- bytes): hop-by-hop options (0), routing (43), destination options (60)
-- and the rest of RFC 8200's format span (length + 1) * 8 bytes; the
-- next header starts there. Not so the fragment header (44: always 8
-- bytes, pktlua.layouts.ipv6frag) nor AH (51: (length + 2) * 4 bytes,
-- RFC 4302).
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="nextheader", type="number", bytes=1 },
  { key="length"    , type="number", bytes=1 },  -- 8-byte units after 8
}
