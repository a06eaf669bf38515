-- IPv6 fixed header (RFC 8200; 40 bytes). Extension headers, if any,
-- follow; addresses are 16-byte strings.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="version"      , type="number", bits=4 },
  { key="trafficclass" , type="number", bits=8 },
  { key="flowlabel"    , type="number", bits=20 },
  { key="payloadlength", type="number", bytes=2 },
  { key="nextheader"   , type="number", bytes=1 },
  { key="hoplimit"     , type="number", bytes=1 },
  { key="source"       , type="string", bytes=16 },
  { key="destination"  , type="string", bytes=16 },
}
