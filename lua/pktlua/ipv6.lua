-- pktlua.ipv6: IPv6 addresses (the 16-byte strings of layouts.ipv6) as text.
--
--   local ipv6 = require "pktlua.ipv6"
--   ipv6.tostring(ip6.source)                --> "2001:db8::1" (RFC 5952)
--   ip6.destination = ipv6.parse("fe80::1")  -- 16 bytes, or nil, msg
local M = {}

local format, pack, unpack = string.format, string.pack, string.unpack

-- RFC 5952: lowercase hex without leading zeros, the longest run of two or
-- more zero groups (the first on a tie) as "::"
function M.tostring(s)
  if type(s) ~= "string" or #s ~= 16 then
    error(format("bad argument #1 to 'tostring' (16-byte string expected, got %s)",
                 type(s) == "string" and #s .. " bytes" or type(s)), 2)
  end
  local g = { unpack(">I2I2I2I2I2I2I2I2", s) }
  local best, bestlen, i = nil, 1, 1
  while i <= 8 do
    if g[i] == 0 then
      local j = i
      while j < 8 and g[j + 1] == 0 do j = j + 1 end
      if j - i + 1 > bestlen then best, bestlen = i, j - i + 1 end
      i = j + 1
    else
      i = i + 1
    end
  end
  local function hex(a, b)
    local t = {}
    for k = a, b do t[#t + 1] = format("%x", g[k]) end
    return table.concat(t, ":")
  end
  if not best then return hex(1, 8) end
  return hex(1, best - 1) .. "::" .. hex(best + bestlen, 8)
end

-- the groups of one side of "::"; nil when malformed
local function groups(text, out)
  if text == "" then return out end
  for part in (text .. ":"):gmatch("([^:]*):") do
    if not part:match("^%x%x?%x?%x?$") then return nil end
    out[#out + 1] = tonumber(part, 16)
  end
  return out
end

-- text -> 16-byte string, or nil, msg (no embedded IPv4, no zone)
function M.parse(text)
  if type(text) ~= "string" then
    return nil, "string expected, got " .. type(text)
  end
  local head, tail = text:match("^(.-)::(.*)$")
  local g
  if head then
    local a, b = groups(head, {}), groups(tail, {})
    if a and b and not tail:find("::", 1, true) and #a + #b <= 7 then
      g = a
      for _ = 1, 8 - #a - #b do g[#g + 1] = 0 end
      for _, v in ipairs(b) do g[#g + 1] = v end
    end
  else
    g = groups(text, {})
    if g and #g ~= 8 then g = nil end
  end
  if not g then return nil, "malformed IPv6 address '" .. text .. "'" end
  return pack(">I2I2I2I2I2I2I2I2", table.unpack(g))
end

-- The transport header of the IPv6 packet at l3 in pkt (a memory of
-- caplen bytes): its protocol (next header) and 1-based position, past the
-- hop-by-hop, routing, destination options, fragment and AH headers; nil
-- for a later fragment, or when the capture ends inside the headers.
-- (The daemon's info.l4 / info.proto, where present, say the same.)
local get  -- memory.get, loaded at the first call
local EXT = { [0] = true, [43] = true, [60] = true }
function M.transport(pkt, l3, caplen)
  if not get then get = require("memory").get end
  if caplen < l3 + 39 then return nil end
  local nh, at = get(pkt, l3 + 6), l3 + 40
  for _ = 1, 16 do  -- bounded: a chain of headers ends somewhere
    if EXT[nh] then
      if caplen < at + 1 then return nil end
      nh, at = get(pkt, at), at + (get(pkt, at + 1) + 1) * 8
    elseif nh == 44 then  -- fragment: offset in bytes 2-3, high 13 bits
      if caplen < at + 7 then return nil end
      if (get(pkt, at + 2) << 8 | get(pkt, at + 3)) >> 3 ~= 0 then return nil end
      nh, at = get(pkt, at), at + 8
    elseif nh == 51 then  -- AH: length in 4-byte units, minus 2
      if caplen < at + 1 then return nil end
      nh, at = get(pkt, at), at + (get(pkt, at + 1) + 2) * 4
    else
      return nh, at
    end
  end
  return nil
end

return M
