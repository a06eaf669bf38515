-- PPPoE header (RFC 2516; 6 bytes), after ethertype 0x8864 (session stage,
-- code 0) or 0x8863 (discovery). In a session, `length` bytes of PPP
-- follow: pktlua.layouts.ppp first.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="version"  , type="number", bits=4  },
  { key="type"     , type="number", bits=4  },
  { key="code"     , type="number", bytes=1 },
  { key="sessionid", type="number", bytes=2 },
  { key="length"   , type="number", bytes=2 },
}
