-- GRE base header (RFC 2784, key and sequence bits of RFC 2890; 4 bytes).
-- Optional parts follow it, each only when its bit is set, in this order:
-- pktlua.layouts.grechecksum (4 bytes) when checksumpresent,
-- pktlua.layouts.grekey (4 bytes) when keypresent, pktlua.layouts.greseq
-- (4 bytes) when sequencepresent; the payload, of ethertype `protocol`,
-- starts after the last present one. Version 1 is PPTP's enhanced GRE
-- (RFC 2637), whose key field holds a payload length and a call id.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="checksumpresent", type="boolean", bits=1  },
  { key="routingpresent" , type="boolean", bits=1  },  -- RFC 1701, obsolete
  { key="keypresent"     , type="boolean", bits=1  },
  { key="sequencepresent", type="boolean", bits=1  },
  { key="reserved0"      , type="number" , bits=9  },
  { key="version"        , type="number" , bits=3  },
  { key="protocol"       , type="number" , bytes=2 },
}
