-- PPP protocol field (RFC 1661; 2 bytes): what a PPP frame starts with
-- in PPPoE and, after the 0xff 0x03 of HDLC-like framing (RFC 1662) when
-- present, in LINKTYPE_PPP. 0x0021: IPv4, 0x0057: IPv6 follows.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="protocol", type="number", bytes=2 },
}
