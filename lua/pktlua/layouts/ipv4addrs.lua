-- The last 10 bytes of the IPv4 header, for address rewriting: the header
-- checksum, then both addresses as 32-bit numbers (pktlua.layouts.ipv4 has
-- them as four bytes each). Set a pointer at l3 + 10. The checksum is declared, so
-- writing an address keeps the header checksum valid (RFC 1624).
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="checksum"   , type="number", bytes=2 },
  { key="source"     , type="number", bytes=4 },
  { key="destination", type="number", bytes=4 },
  checksum = "checksum",
}
