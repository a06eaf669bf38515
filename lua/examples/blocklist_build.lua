-- blocklist_build.lua - turns a text list of IPv4/IPv6 addresses, prefixes
-- and ranges into the sorted binary file blocklist.lua maps and searches.
--
--   lua5.4 lua/examples/blocklist_build.lua ranges.txt blocked.bin
--
-- One entry a line; '#' starts a comment; blank lines are skipped:
--   192.0.2.7                   one address
--   198.51.100.0/24             a prefix
--   203.0.113.10-203.0.113.99   a range, both ends included
--   2001:db8::/32, ::ffff:c000:201, 2001:db8::1-2001:db8::ff
-- Overlapping and adjacent entries are merged. Errors name the line.
--
-- The file (all integers big-endian):
--   8 bytes  "PKTBLK1\n"
--   4 bytes  n4, the number of IPv4 ranges
--   4 bytes  n6, the number of IPv6 ranges
--   n4 x 8   IPv4 ranges: first address, last address (4 bytes each)
--   n6 x 32  IPv6 ranges: first address, last address (16 bytes each)
-- Ranges of each family are sorted by first address and disjoint, so the
-- one that may hold an address is found by binary search.
local M = {}

-- the address parsers of lua/pktlua/, found beside this file when it runs
-- from the stock interpreter
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
package.path = here .. "../?.lua;" .. package.path
local ipv4, ipv6 = require "pktlua.ipv4", require "pktlua.ipv6"

M.MAGIC = "PKTBLK1\n"

-- IPv4 text -> integer, or nil
local function parse4(s) return (ipv4.parse(s)) end

-- IPv6 text -> hi, lo (two 64-bit halves as Lua integers), or nil
local function parse6(s)
  local b = ipv6.parse(s)
  if not b then return nil end
  return string.unpack(">i8i8", b)
end

-- unsigned comparison of 128-bit (hi, lo) pairs: a < b
local function lt6(ah, al, bh, bl)
  if ah ~= bh then return math.ult(ah, bh) end
  return math.ult(al, bl)
end

-- one entry -> family, first, last (IPv6: {hi, lo} tables), or nil, message
local function parse_entry(text)
  local a, b = text:match("^([^-]+)%-([^-]+)$")
  local addr, len = text:match("^([^/]+)/(%d+)$")
  if a then
    local x, y = parse4(a), parse4(b)
    if x and y then
      if y < x then return nil, "range ends before it starts" end
      return 4, x, y
    end
    local xh, xl = parse6(a)
    local yh, yl = parse6(b)
    if xh and yh then
      if lt6(yh, yl, xh, xl) then return nil, "range ends before it starts" end
      return 6, {xh, xl}, {yh, yl}
    end
    return nil, "bad range"
  elseif addr then
    len = tonumber(len)
    local x = parse4(addr)
    if x then
      if len > 32 then return nil, "prefix length over 32" end
      local host = (1 << (32 - len)) - 1
      return 4, x & ~host & 0xffffffff, x | host
    end
    local h, l = parse6(addr)
    if not h then return nil, "bad address" end
    if len > 128 then return nil, "prefix length over 128" end
    local hh, hl  -- host bits of each half
    if len >= 64 then
      hh, hl = 0, (len == 64) and -1 or ((1 << (128 - len)) - 1)
    else
      hh, hl = (len == 0) and -1 or ((1 << (64 - len)) - 1), -1
    end
    return 6, {h & ~hh, l & ~hl}, {h | hh, l | hl}
  else
    local x = parse4(text)
    if x then return 4, x, x end
    local h, l = parse6(text)
    if h then return 6, {h, l}, {h, l} end
    return nil, "bad address"
  end
end
M.parse_entry = parse_entry

-- sorts and merges ranges {first, last} with the order `lt` and the
-- successor test `adjacent(last, first)`
local function merge(ranges, lt, adjacent)
  table.sort(ranges, function(x, y) return lt(x[1], y[1]) end)
  local out = {}
  for _, r in ipairs(ranges) do
    local top = out[#out]
    if top and (not lt(top[2], r[1]) or adjacent(top[2], r[1])) then
      if lt(top[2], r[2]) then top[2] = r[2] end
    else
      out[#out + 1] = {r[1], r[2]}
    end
  end
  return out
end

-- text -> the file's bytes, or nil, "line N: message"
function M.build(text)
  local v4, v6 = {}, {}
  local n = 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    local entry = line:gsub("#.*", ""):match("^%s*(.-)%s*$")
    if entry ~= "" then
      local fam, first, last = parse_entry(entry)
      if not fam then
        return nil, ("line %d: %s: %s"):format(n, first, entry)
      end
      local list = (fam == 4) and v4 or v6
      list[#list + 1] = {first, last}
    end
  end
  v4 = merge(v4, function(x, y) return x < y end,
             function(x, y) return x + 1 == y end)
  v6 = merge(v6, function(x, y) return lt6(x[1], x[2], y[1], y[2]) end,
             function(x, y)
               local lo = x[2] + 1
               local hi = (lo == 0) and x[1] + 1 or x[1]
               return hi == y[1] and lo == y[2]
             end)
  local out = {M.MAGIC, string.pack(">I4I4", #v4, #v6)}
  for _, r in ipairs(v4) do out[#out + 1] = string.pack(">I4I4", r[1], r[2]) end
  for _, r in ipairs(v6) do
    out[#out + 1] = string.pack(">i8i8i8i8", r[1][1], r[1][2], r[2][1], r[2][2])
  end
  return table.concat(out), #v4, #v6
end

-- run as a program: input file, output file
-- (not when loaded by require or dofile from another script)
if arg and arg[0] and ("/" .. arg[0]):find("/blocklist_build%.lua$") then
  local src, dst = arg[1], arg[2]
  if not src or not dst then
    io.stderr:write("usage: lua5.4 blocklist_build.lua RANGES.txt OUT.bin\n")
    os.exit(2)
  end
  local f, err = io.open(src, "rb")
  if not f then io.stderr:write(err, "\n"); os.exit(1) end
  local bytes, n4, n6 = M.build(f:read("a"))
  f:close()
  if not bytes then io.stderr:write(src, ": ", n4, "\n"); os.exit(1) end
  local o
  o, err = io.open(dst, "wb")
  if not o then io.stderr:write(err, "\n"); os.exit(1) end
  o:write(bytes)
  o:close()
  print(("%s: %d IPv4 and %d IPv6 ranges"):format(dst, n4, n6))
end

return M
