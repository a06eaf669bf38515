-- VXLAN header (RFC 7348; 8 bytes), in UDP to port 4789. `vnivalid` is the
-- I flag (set when the vni is valid); the other 7 flag bits are reserved
-- (padding here). The inner Ethernet frame follows.
local layout = require "layout"

return layout.struct{ endian = "big",
  {                  type="number" , bits=4  },  -- reserved flags: padding
  { key="vnivalid" , type="boolean", bits=1  },
  {                  type="number" , bits=3  },
  { key="reserved1", type="number" , bits=24 },
  { key="vni"      , type="number" , bits=24 },
  { key="reserved2", type="number" , bytes=1 },
}
