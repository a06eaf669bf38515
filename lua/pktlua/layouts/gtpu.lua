-- GTP-U version 1 header (3GPP TS 29.281; 8 bytes), in UDP to port 2152.
-- When any of extension, hassequence, hasnpdu is set, the 4 bytes of
-- pktlua.layouts.gtpuoptional follow (all three fields present, each
-- meaningful only when its flag is set), then extension headers while
-- nextextension is not 0. `length` counts the bytes after these 8.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="version"    , type="number" , bits=3  },
  { key="protocoltype", type="boolean", bits=1 },  -- 1: GTP, 0: GTP'
  { key="reserved"   , type="number" , bits=1  },
  { key="extension"  , type="boolean", bits=1  },
  { key="hassequence", type="boolean", bits=1  },
  { key="hasnpdu"    , type="boolean", bits=1  },
  { key="messagetype", type="number" , bytes=1 },  -- 255: G-PDU (user data)
  { key="length"     , type="number" , bytes=2 },
  { key="teid"       , type="number" , bytes=4 },
}
