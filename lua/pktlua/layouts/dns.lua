-- DNS message header (RFC 1035 4.1.1, ad and cd of RFC 4035; 12 bytes),
-- in UDP or TCP (after a 2-byte length) to port 53. The question section
-- starts at 12, its names as RFC 1035 4.1.4 encodes them.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="id"     , type="number" , bytes=2 },
  { key="qr"     , type="boolean", bits=1  },  -- a response
  { key="opcode" , type="number" , bits=4  },
  { key="aa"     , type="boolean", bits=1  },
  { key="tc"     , type="boolean", bits=1  },
  { key="rd"     , type="boolean", bits=1  },
  { key="ra"     , type="boolean", bits=1  },
  { key="z"      , type="boolean", bits=1  },
  { key="ad"     , type="boolean", bits=1  },
  { key="cd"     , type="boolean", bits=1  },
  { key="rcode"  , type="number" , bits=4  },
  { key="qdcount", type="number" , bytes=2 },
  { key="ancount", type="number" , bytes=2 },
  { key="nscount", type="number" , bytes=2 },
  { key="arcount", type="number" , bytes=2 },
}
