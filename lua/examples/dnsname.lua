-- dnsname.lua - keep the DNS queries that ask for a name under one of a
-- list of domains, drop every other packet. A payload filter BPF cannot
-- express: the name is a variable-length, possibly compressed, sequence of
-- labels, matched case-insensitively on label boundaries.
--
--   pktlua -r in.pcap -w out.pcap -f lua/examples/dnsname.lua \
--          -a names=example.com,foo.org
--   pktlua -r in.pcap -w out.pcap -f dnsname.lua -a file=domains.txt
--
-- Arguments (-a NAME=VALUE):
--   names=D[,D...]  domains: a query for D or any name under it is kept
--                   (example.com keeps www.example.com, not notexample.com)
--   file=PATH       domains read from a file, one per line ('#' comments)
--   invert=1        keep every packet but the matching queries
--
-- Queries (QR 0) over UDP or TCP (after the 2-byte length RFC 1035 4.2.2
-- puts first; the first message of a segment) to or from port 53, over
-- IPv4 or IPv6 with any extension headers (the daemon's info.l4). Every
-- question is looked at. Names may be compressed (RFC 1035 4.1.4).
-- Hostile input never loops nor reads past the capture: a pointer must
-- point before itself (so a chain of them ends), labels longer than 63,
-- names over 255 bytes, questions cut by the end of the packet: no match.
local memory = require "memory"

local args = arg or {}
local get = memory.get
local lower, concat = string.lower, table.concat

-- ---- the domains --------------------------------------------------------

local domains, ndomains = {}, 0
local function add(d)
  d = lower(d:match("^%s*(.-)%.?%s*$"))
  if d == "" or d:sub(1, 1) == "#" then return end
  if #d > 253 or d:find("..", 1, true) or d:sub(1, 1) == "." then
    error("dnsname.lua: bad domain '" .. d .. "'", 0)
  end
  if not domains[d] then domains[d], ndomains = true, ndomains + 1 end
end
for d in string.gmatch(args.names or "", "[^,]+") do add(d) end
if args.file then
  local f, err = io.open(args.file)
  if not f then error("dnsname.lua: " .. err, 0) end
  for line in f:lines() do add(line) end
  f:close()
end
if ndomains == 0 then
  error("dnsname.lua: no domains (give -a names=... or -a file=...)", 0)
end
local invert = args.invert == "1"

-- ---- names --------------------------------------------------------------

-- The name at position i of the message that starts at `base` and ends at
-- `last` (1-based, inclusive): its labels lowercased into `labels`, their
-- count, and the position after the name in the message (where a question
-- continues); nil when it is malformed or cut.
local labels = {}
local function readname(pkt, base, last, i)
  local n, size, after = 0, 1, nil
  local bound = i  -- a pointer must point before this
  for _ = 1, 255 do  -- every step consumes a byte of the name or a pointer
    if i > last then return nil end
    local len = get(pkt, i)
    if len == 0 then
      return n, after or i + 1
    elseif len >= 0xc0 then
      if i + 1 > last then return nil end
      local target = base + ((len & 0x3f) << 8 | get(pkt, i + 1))
      if target >= bound then return nil end  -- forward or loop
      after = after or i + 2
      bound, i = target, target
    elseif len > 63 then
      return nil  -- 0x40 and 0x80: no such label types
    else
      size = size + len + 1
      if size > 255 or i + len > last then return nil end
      n = n + 1
      labels[n] = lower(memory.tostring(pkt, i + 1, i + len))
      i = i + len + 1
    end
  end
  return nil
end

-- whether labels 1..n name a domain of the list or a name under one
local function listed(n)
  for first = 1, n do
    if domains[concat(labels, ".", first, n)] then return true end
  end
  return false
end

-- whether the DNS message at base..last is a query asking for a listed name
local function matches(pkt, base, last)
  if last < base + 11 then return false end
  if get(pkt, base + 2) & 0x80 ~= 0 then return false end  -- a response
  local qd = get(pkt, base + 4) << 8 | get(pkt, base + 5)
  local i = base + 12
  for _ = 1, math.min(qd, 64) do
    local n, after = readname(pkt, base, last, i)
    if not n or after + 3 > last then return false end  -- + type, class
    if listed(n) then return true end
    i = after + 4
  end
  return false
end

local ports = require("layout").newpointer(require("layout").struct{
  endian = "big",
  { key="sport", type="number", bytes=2 },
  { key="dport", type="number", bytes=2 },
})
local setpointer = require("layout").setpointer

local function dns(pkt, info)
  local proto, l4, caplen = info.proto, info.l4, info.caplen
  if (proto ~= 17 and proto ~= 6) or not l4 or caplen < l4 + 3 then
    return false
  end
  setpointer(ports, pkt, l4)
  if ports.sport ~= 53 and ports.dport ~= 53 then return false end
  if proto == 17 then  -- the UDP length, not Ethernet padding, ends it
    if caplen < l4 + 7 then return false end
    local ulen = get(pkt, l4 + 4) << 8 | get(pkt, l4 + 5)
    return matches(pkt, l4 + 8, math.min(caplen, l4 + ulen - 1))
  end
  if caplen < l4 + 12 then return false end
  local base = l4 + (get(pkt, l4 + 12) >> 4) * 4 + 2
  if base > caplen then return false end
  local len = get(pkt, base - 2) << 8 | get(pkt, base - 1)
  return matches(pkt, base, math.min(caplen, base + len - 1))
end

function packet(pkt, info)
  if dns(pkt, info) then return not invert end
  return invert
end
