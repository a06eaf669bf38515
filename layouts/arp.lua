-- ARP for IPv4 over Ethernet (RFC 826; 28 bytes): the address fields have
-- the sizes of that case (hlen 6, plen 4).
local layout = require "layout"

return layout.struct{
  { key="htype", type="number", bytes=2, endian="big" },
  { key="ptype", type="number", bytes=2, endian="big" },
  { key="hlen" , type="number", bytes=1, endian="big" },
  { key="plen" , type="number", bytes=1, endian="big" },
  { key="oper" , type="number", bytes=2, endian="big" },
  { key="sha"  , type="string", bytes=6 },
  { key="spa"  , type="string", bytes=4 },
  { key="tha"  , type="string", bytes=6 },
  { key="tpa"  , type="string", bytes=4 },
}
