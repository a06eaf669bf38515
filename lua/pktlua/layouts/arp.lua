-- ARP for IPv4 over Ethernet (RFC 826; 28 bytes): the address fields have
-- the sizes of that case (hlen 6, plen 4).
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="htype", type="number", bytes=2 },
  { key="ptype", type="number", bytes=2 },
  { key="hlen" , type="number", bytes=1 },
  { key="plen" , type="number", bytes=1 },
  { key="oper" , type="number", bytes=2 },
  { key="sha"  , type="string", bytes=6 },
  { key="spa"  , type="string", bytes=4 },
  { key="tha"  , type="string", bytes=6 },
  { key="tpa"  , type="string", bytes=4 },
}
