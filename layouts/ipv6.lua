-- IPv6 fixed header (RFC 8200; 40 bytes). Extension headers, if any,
-- follow; addresses are 16-byte strings.
local layout = require "layout"

return layout.struct{
  { key="version"      , type="number", bits=4 , endian="big" },
  { key="trafficclass" , type="number", bits=8 , endian="big" },
  { key="flowlabel"    , type="number", bits=20, endian="big" },
  { key="payloadlength", type="number", bytes=2, endian="big" },
  { key="nextheader"   , type="number", bytes=1, endian="big" },
  { key="hoplimit"     , type="number", bytes=1, endian="big" },
  { key="source"       , type="string", bytes=16 },
  { key="destination"  , type="string", bytes=16 },
}
