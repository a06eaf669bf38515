-- TCP header without options (RFC 9293, RFC 3168/3540 flags; 20 bytes).
-- Options follow when dataoffset > 5; the payload starts at dataoffset * 4.
-- The checksum covers the pseudo-header and the whole segment, this header
-- included, so it is declared: a write through a pointer (ports, flags,
-- sequence numbers) updates it incrementally (RFC 1624) and a valid
-- checksum stays valid.
local layout = require "layout"

return layout.struct{
  { key="sourceport"     , type="number" , bytes=2, endian="big" },
  { key="destinationport", type="number" , bytes=2, endian="big" },
  { key="seqnum"         , type="number" , bytes=4, endian="big" },
  { key="acknum"         , type="number" , bytes=4, endian="big" },
  { key="dataoffset"     , type="number" , bits=4 , endian="big" },
  { key="reserved"       , type="number" , bits=3 , endian="big" },
  { key="ns"             , type="boolean", bits=1 , endian="big" },
  { key="cwr"            , type="boolean", bits=1 , endian="big" },
  { key="ece"            , type="boolean", bits=1 , endian="big" },
  { key="urg"            , type="boolean", bits=1 , endian="big" },
  { key="ack"            , type="boolean", bits=1 , endian="big" },
  { key="psh"            , type="boolean", bits=1 , endian="big" },
  { key="rst"            , type="boolean", bits=1 , endian="big" },
  { key="syn"            , type="boolean", bits=1 , endian="big" },
  { key="fin"            , type="boolean", bits=1 , endian="big" },
  { key="window"         , type="number" , bytes=2, endian="big" },
  { key="checksum"       , type="number" , bytes=2, endian="big" },
  { key="urgentpointer"  , type="number" , bytes=2, endian="big" },
  checksum = "checksum",
}
