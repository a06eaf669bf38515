-- pktlua.ipv4: IPv4 addresses as one number or a dotted string.
--
-- `a` is an address with byte fields a, b, c, d, such as the sub-pointer
-- p.source of layouts.ipv4 (a plain table works too):
--   local ipv4 = require "pktlua.ipv4"
--   ipv4.tostring(ip.source)            --> "192.168.0.10"
--   ipv4.tonumber(ip.source)            --> 3232235530
--   ipv4.set(ip.destination, "10.0.0.1")
--   ipv4.parse("10.0.0.1")              --> 167772161
--   ipv4.format(167772161)              --> "10.0.0.1"
local M = {}

local format, match, tointeger = string.format, string.match, math.tointeger

-- "a.b.c.d" with four decimal parts of 1-3 digits, each 0..255
function M.parse(s)
  if type(s) ~= "string" then
    return nil, "string expected, got " .. type(s)
  end
  local a, b, c, d = match(s, "^(%d%d?%d?)%.(%d%d?%d?)%.(%d%d?%d?)%.(%d%d?%d?)$")
  if not a then return nil, "malformed IPv4 address '" .. s .. "'" end
  a, b, c, d = tointeger(a), tointeger(b), tointeger(c), tointeger(d)
  if a > 255 or b > 255 or c > 255 or d > 255 then
    return nil, "IPv4 address part out of range in '" .. s .. "'"
  end
  return a << 24 | b << 16 | c << 8 | d
end

local function checkaddr(n, fname, arg)
  local v = tointeger(n)
  if not v then
    error(format("bad argument #%d to '%s' (number has no integer representation)",
                 arg, fname), 3)
  end
  if v < 0 or v > 0xffffffff then
    error(format("bad argument #%d to '%s' (value out of range)", arg, fname), 3)
  end
  return v
end

function M.format(n)
  if type(n) ~= "number" then
    error(format("bad argument #1 to 'format' (number expected, got %s)",
                 type(n)), 2)
  end
  n = checkaddr(n, "format", 1)
  return format("%d.%d.%d.%d", n >> 24, n >> 16 & 0xff, n >> 8 & 0xff,
                n & 0xff)
end

function M.tonumber(a)
  return a.a << 24 | a.b << 16 | a.c << 8 | a.d
end

function M.tostring(a)
  return format("%d.%d.%d.%d", a.a, a.b, a.c, a.d)
end

-- writes the four bytes (each a field write, so a declared checksum of the
-- enclosing struct stays valid)
function M.set(a, v)
  local n
  if type(v) == "string" then
    local err
    n, err = M.parse(v)
    if not n then error("bad argument #2 to 'set' (" .. err .. ")", 2) end
  elseif type(v) == "number" then
    n = checkaddr(v, "set", 2)
  else
    error(format("bad argument #2 to 'set' (string or number expected, got %s)",
                 type(v)), 2)
  end
  a.a, a.b, a.c, a.d = n >> 24, n >> 16 & 0xff, n >> 8 & 0xff, n & 0xff
end

-- The TCP or UDP checksum after the packet's addresses changed from src,
-- dst to nsrc, ndst (32-bit numbers): their pseudo-header holds them.
-- `ip` is a layouts.ipv4 pointer set at the header, `caplen` the captured
-- length. Incremental (RFC 1624), so it is right where a recomputation is
-- not possible: a first fragment (the checksum covers fragments not in the
-- packet) and a truncated capture. A UDP checksum of 0 ("none") stays 0; a
-- wrong one stays exactly as wrong. Returns true when it updated one; no
-- checksum to update (another protocol, a later fragment, not captured):
-- false.
local layout, checksum  -- loaded at the first call: the rest of this
local l4sum             -- module works without them
function M.readdressl4(pkt, caplen, ip, l3, src, nsrc, dst, ndst)
  local proto = ip.protocol
  if (proto ~= 6 and proto ~= 17) or ip.fragoffset ~= 0 then return false end
  return M.readdressl4at(pkt, caplen, proto, l3 + ip.ihl * 4, src, nsrc,
                         dst, ndst)
end

-- The same with the transport header known: its protocol and position l4
-- (the daemon's info.proto and info.l4; l4 nil: a later fragment).
function M.readdressl4at(pkt, caplen, proto, l4, src, nsrc, dst, ndst)
  if (proto ~= 6 and proto ~= 17) or not l4 then return false end
  local at = l4 + (proto == 6 and 16 or 6)
  if caplen < at + 1 then return false end
  if not l4sum then
    layout, checksum = require "layout", require "checksum"
    l4sum = layout.newpointer(layout.struct{
      { key="value", type="number", bytes=2, endian="big" },
    })
  end
  layout.setpointer(l4sum, pkt, at)
  local ck = l4sum.value
  if ck == 0 and proto == 17 then return false end  -- UDP: no checksum
  local update32 = checksum.update32
  if nsrc ~= src then ck = update32(ck, src, nsrc) end
  if ndst ~= dst then ck = update32(ck, dst, ndst) end
  if ck == 0 and proto == 17 then ck = 0xffff end  -- RFC 768
  l4sum.value = ck
  return true
end

return M
