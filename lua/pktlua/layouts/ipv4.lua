-- IPv4 header without options (RFC 791; 20 bytes). The field names are the
-- reference example's. `checksum` is declared as the header checksum, so a
-- write through a pointer (ip.timetolive = ip.timetolive - 1) keeps it valid.
-- Options, when ihl > 5, follow the 20 bytes; the L4 header starts at
-- l3 + ihl * 4. Addresses: see require "pktlua.ipv4".
local layout = require "layout"

-- an address: four bytes a.b.c.d
local function address(key)
  return { key=key, type="struct",
    { key="a", bytes=1 }, { key="b", bytes=1 }, { key="c", bytes=1 }, { key="d", bytes=1 },
  }
end

return layout.struct{ endian = "big",
  { key="version"    , type="number",  bits=4  },
  { key="ihl"        , type="number",  bits=4  },
  { key="dscp"       , type="number",  bits=6  },
  { key="ecn"        , type="number",  bits=2  },
  { key="totallength", type="number",  bytes=2 },
  { key="ident"      , type="number",  bytes=2 },
  { key="flagnull"   , type="boolean", bits=1  },
  { key="flagdf"     , type="boolean", bits=1  },
  { key="flagmf"     , type="boolean", bits=1  },
  { key="fragoffset" , type="number",  bits=13 },
  { key="timetolive" , type="number",  bytes=1 },
  { key="protocol"   , type="number",  bytes=1 },
  { key="checksum"   , type="number",  bytes=2 },
  address "source",
  address "destination",
  checksum = "checksum",
}
