-- addr.lua - an IP header's source address as tshark writes it (IPv6
-- with the longest run of zero words as "::"), for the daemon's tests:
--   local srcaddr = dofile(arg.addr)   -- srcaddr(pkt, l3)
local function u16 (p, at) return p:get(at) << 8 | p:get(at + 1) end

local function ip6 (p, at)
  local w, best, bestlen, run, runlen = {}, 0, 0, 0, 0
  for k = 1, 8 do
    w[k] = u16(p, at + 2 * k - 2)
    if w[k] == 0 then
      if runlen == 0 then run = k end
      runlen = runlen + 1
      if runlen > bestlen then best, bestlen = run, runlen end
    else runlen = 0 end
    w[k] = string.format("%x", w[k])
  end
  if bestlen < 2 then return table.concat(w, ":") end
  return table.concat(w, ":", 1, best - 1) .. "::"
         .. table.concat(w, ":", best + bestlen, 8)
end

return function (p, l3)
  if p:get(l3) >> 4 == 4 then
    return string.format("%d.%d.%d.%d", p:get(l3 + 12, l3 + 15))
  end
  return ip6(p, l3 + 8)
end
