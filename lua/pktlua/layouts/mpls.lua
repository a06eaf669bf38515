-- MPLS label stack entry (RFC 3032, TC renamed by RFC 5462; 4 bytes).
-- Entries follow one another after ethertype 0x8847 (0x8848 multicast)
-- until the one whose `bottom` is set; what follows that one carries no
-- type: by convention its first nibble, 4 or 6, tells IPv4 from IPv6.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="label" , type="number" , bits=20 },
  { key="tc"    , type="number" , bits=3  },
  { key="bottom", type="boolean", bits=1  },
  { key="ttl"   , type="number" , bytes=1 },
}
