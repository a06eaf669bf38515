-- flows.lua: packet n of the input becomes packet seq of flow f (of
-- arg.flows), every other one the other way; "fo", f and seq in its
-- payload (bytes 43..48), the checksums fixed
local pktlua = require "pktlua"
local NF = tonumber(arg.flows)
local n = -1
function packet (pkt, info)
  n = n + 1
  local f, s = n % NF, n // NF
  local a, b, pa, pb = f + 1, f + 1, 3000 + f, 4000 + f
  if s % 2 == 0 then
    pkt:set(27, 10, 99, 1, a, 10, 99, 2, b)
    pkt:set(35, pa >> 8, pa & 255, pb >> 8, pb & 255)
  else
    pkt:set(27, 10, 99, 2, b, 10, 99, 1, a)
    pkt:set(35, pb >> 8, pb & 255, pa >> 8, pa & 255)
  end
  pkt:set(43, 0x66, 0x6f, f >> 8, f & 255, s >> 8, s & 255)
  pktlua.fixup(pkt, info)
end
