-- TCP header without options (RFC 9293, RFC 3168/3540 flags; 20 bytes).
-- Options follow when dataoffset > 5; the payload starts at dataoffset * 4.
-- The checksum covers the pseudo-header and the whole segment, this header
-- included, so it is declared: a write through a pointer (ports, flags,
-- sequence numbers) updates it incrementally (RFC 1624) and a valid
-- checksum stays valid.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="sourceport"     , type="number" , bytes=2 },
  { key="destinationport", type="number" , bytes=2 },
  { key="seqnum"         , type="number" , bytes=4 },
  { key="acknum"         , type="number" , bytes=4 },
  { key="dataoffset"     , type="number" , bits=4 },
  { key="reserved"       , type="number" , bits=3 },
  { key="ns"             , type="boolean", bits=1 },
  { key="cwr"            , type="boolean", bits=1 },
  { key="ece"            , type="boolean", bits=1 },
  { key="urg"            , type="boolean", bits=1 },
  { key="ack"            , type="boolean", bits=1 },
  { key="psh"            , type="boolean", bits=1 },
  { key="rst"            , type="boolean", bits=1 },
  { key="syn"            , type="boolean", bits=1 },
  { key="fin"            , type="boolean", bits=1 },
  { key="window"         , type="number" , bytes=2 },
  { key="checksum"       , type="number" , bytes=2 },
  { key="urgentpointer"  , type="number" , bytes=2 },
  checksum = "checksum",
}
