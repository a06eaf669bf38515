-- Geneve base header (RFC 8926; 8 bytes), in UDP to port 6081. Options of
-- optlength 4-byte words follow; the payload, of ethertype `protocol`,
-- starts at 8 + optlength * 4.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="version"  , type="number" , bits=2  },
  { key="optlength", type="number" , bits=6  },
  { key="oam"      , type="boolean", bits=1  },
  { key="critical" , type="boolean", bits=1  },
  { key="reserved1", type="number" , bits=6  },
  { key="protocol" , type="number" , bytes=2 },
  { key="vni"      , type="number" , bits=24 },
  { key="reserved2", type="number" , bytes=1 },
}
