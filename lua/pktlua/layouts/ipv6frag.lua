-- IPv6 fragment header (RFC 8200 4.5; 8 bytes), next header 44.
-- fragoffset is in 8-byte units as IPv4's; a first fragment has 0, a
-- later one carries no upper-layer header.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="nextheader", type="number" , bytes=1 },
  { key="reserved"  , type="number" , bytes=1 },
  { key="fragoffset", type="number" , bits=13 },
  { key="reserved2" , type="number" , bits=2  },
  { key="flagmf"    , type="boolean", bits=1  },
  { key="ident"     , type="number" , bytes=4 },
}
