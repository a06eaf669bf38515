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

return M
