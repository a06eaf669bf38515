-- 802.1Q / 802.1ad tag: the 4 bytes after a 0x8100 or 0x88a8 TPID, i.e. the
-- TCI and the ethertype of what follows (another tag for QinQ).
local layout = require "layout"

return layout.struct{ endian = "big",
  { key="pcp"      , type="number" , bits=3 },
  { key="dei"      , type="boolean", bits=1 },
  { key="vid"      , type="number" , bits=12 },
  { key="ethertype", type="number" , bytes=2 },
}
