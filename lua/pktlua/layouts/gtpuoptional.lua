-- GTP-U optional fields (3GPP TS 29.281; 4 bytes): right after the 8 bytes
-- of pktlua.layouts.gtpu when its extension, hassequence or hasnpdu is set.
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="sequence"     , type="number", bytes=2 },
  { key="npdunumber"   , type="number", bytes=1 },
  { key="nextextension", type="number", bytes=1 },
}
