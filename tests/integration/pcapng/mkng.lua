-- mkng.lua KIND OUT: writes a pcapng file that exercises one part of
-- pcapng (see the kinds at the end), for tests/integration/pcapng/.
--   lua5.4 mkng.lua comments out.pcapng
-- Hostile kinds ("bad-...") write a good file with one block broken and
-- print that block's offset.

local E = "<"  -- the byte order of the section being written

local function u16 (v) return string.pack(E .. "I2", v) end
local function u32 (v) return string.pack(E .. "I4", v) end
local function pad (s) return s .. string.rep("\0", (4 - #s % 4) % 4) end

local function block (btype, body)
  body = pad(body)
  local len = 12 + #body
  return u32(btype) .. u32(len) .. body .. u32(len)
end

local function opt (code, val)
  return u16(code) .. u16(#val) .. pad(val)
end
local function opts (list)
  if #list == 0 then return "" end
  return table.concat(list) .. u16(0) .. u16(0)
end

local function shb (order)
  E = order
  return block(0x0a0d0d0a, u32(0x1a2b3c4d) .. u16(1) .. u16(0) ..
               string.pack(E .. "i8", -1) .. opts{ opt(4, "pktlua mkng") })
end

-- idb{linktype=, snaplen=, name=, desc=, tsresol=, tsoffset=}
local function idb (t)
  local o = {}
  if t.name then o[#o + 1] = opt(2, t.name) end
  if t.desc then o[#o + 1] = opt(3, t.desc) end
  if t.tsresol then o[#o + 1] = opt(9, string.char(t.tsresol)) end
  if t.tsoffset then o[#o + 1] = opt(14, string.pack(E .. "i8", t.tsoffset)) end
  return block(1, u16(t.linktype) .. u16(0) .. u32(t.snaplen or 0) .. opts(o))
end

-- epb(ifid, ts, data, {comments}, [origlen])
local function epb (ifid, ts, data, comments, origlen)
  local o = {}
  for _, c in ipairs(comments or {}) do o[#o + 1] = opt(1, c) end
  o[#o + 1] = opt(2, u32(1))  -- epb_flags: inbound
  return block(6, u32(ifid) .. u32(ts >> 32) .. u32(ts & 0xffffffff) ..
               u32(#data) .. u32(origlen or #data) .. pad(data) .. opts(o))
end

local function spb (data) return block(3, u32(#data) .. pad(data)) end

local function pb (ifid, ts, data)
  return block(2, u16(ifid) .. u16(0) .. u32(ts >> 32) ..
               u32(ts & 0xffffffff) .. u32(#data) .. u32(#data) .. pad(data))
end

local function nrb ()
  return block(4, u16(1) .. u16(8) .. string.char(10, 0, 0, 1) .. "a\0\0\0" ..
               u16(0) .. u16(0))
end
local function isb (ifid)
  return block(5, u32(ifid) .. u32(0) .. u32(0) .. opts{ opt(4, u32(0) .. u32(0)) })
end
local function custom () return block(0x00000BAD, u32(32473) .. "hello!!!") end

-- packets: IPv4/UDP with a marker in the payload, as Ethernet or raw IP
local function ipv4udp (n)
  local payload = string.format("packet %03d", n)
  local udp = string.pack(">I2I2I2I2", 1000 + n, 53, 8 + #payload, 0) .. payload
  local ip = string.pack(">BBI2I2I2BBI2", 0x45, 0, 20 + #udp, n, 0, 64, 17, 0)
             .. string.char(10, 0, 0, 1, 10, 0, 0, 2)
  return ip .. udp
end
local function ether (n)
  return string.rep("\2", 6) .. string.rep("\4", 6) .. "\8\0" .. ipv4udp(n)
end

local T0 = 1700000000

-- the kinds: each returns the file's bytes (and, hostile ones, an offset)
local kinds = {}

-- two interfaces (Ethernet, raw IP), comments, every other block kind
function kinds.comments (order)
  local s = shb(order or "<")
  s = s .. idb{ linktype = 1, snaplen = 65535, name = "eth0", desc = "wired" }
  s = s .. nrb() .. custom()
  s = s .. idb{ linktype = 101, snaplen = 0, name = "tun0", tsresol = 9 }
  s = s .. epb(0, T0 * 1000000 + 1, ether(1), { "first packet" })
  s = s .. epb(1, T0 * 1000000000 + 2000000123, ipv4udp(2))
  s = s .. isb(0)
  s = s .. epb(0, T0 * 1000000 + 3000000, ether(3), { "two", "comments" })
  s = s .. epb(1, T0 * 1000000000 + 4000000456, ipv4udp(4), { "raw" })
  s = s .. spb(ether(5))
  s = s .. pb(1, T0 * 1000000000 + 6000000789, ipv4udp(6))
  return s
end

function kinds.bigendian () return kinds.comments(">") end

-- two sections in both byte orders; interface numbers start again
function kinds.sections ()
  local s = shb("<")
  s = s .. idb{ linktype = 1, snaplen = 2000, name = "a0" }
  s = s .. epb(0, T0 * 1000000 + 10, ether(1), { "section 1" })
  s = s .. shb(">")
  s = s .. idb{ linktype = 101, snaplen = 3000, name = "b0" }
  s = s .. idb{ linktype = 1, snaplen = 4000, name = "b1" }
  s = s .. epb(1, T0 * 1000000 + 20, ether(2))
  s = s .. epb(0, T0 * 1000000 + 30, ipv4udp(3), { "section 2" })
  return s
end

-- binary and decimal resolutions, an offset
function kinds.tsresol ()
  local s = shb("<")
  s = s .. idb{ linktype = 1, tsresol = 0x80 | 20, name = "bin20" }
  s = s .. idb{ linktype = 1, tsresol = 3, tsoffset = T0, name = "milli" }
  s = s .. idb{ linktype = 1, tsresol = 0x80 | 10, tsoffset = -5, name = "bin10" }
  s = s .. epb(0, (T0 << 20) + (1 << 19), ether(1))           -- .5 s
  s = s .. epb(1, 1234, ether(2))                              -- T0 + 1.234
  s = s .. epb(2, (T0 << 10) + 3, ether(3))                    -- 3/1024 s
  return s
end

-- hostile ones: the good "comments" file with one thing broken
local function patch32 (s, at, v)  -- at: 0-based
  return s:sub(1, at) .. string.pack("<I4", v) .. s:sub(at + 5)
end
local function fourth_block (s)  -- offset of the EPB after the IDBs
  local at, n = 0, 0
  while true do
    local t, len = string.unpack("<I4I4", s, at + 1)
    if t == 6 then return at end
    at, n = at + len, n + 1
  end
end

-- the little-endian capture with comments, and the offset of its first
-- EPB: what the bad_* kinds below break
local function commented_epb ()
  local s = kinds.comments("<")
  return s, fourth_block(s)
end

function kinds.bad_trailer ()
  local s, at = commented_epb()
  local len = string.unpack("<I4", s, at + 5)
  return patch32(s, at + len - 4, len + 4), at
end
function kinds.bad_caplen ()
  local s, at = commented_epb()
  return patch32(s, at + 20, 0x7fffffff), at
end
function kinds.bad_option ()
  local s, at = commented_epb()
  local caplen = string.unpack("<I4", s, at + 21)
  local o = at + 28 + caplen + (4 - caplen % 4) % 4
  return s:sub(1, o + 2) .. string.pack("<I2", 0xfff0) .. s:sub(o + 5), at
end
function kinds.bad_length ()
  local s, at = commented_epb()
  return patch32(s, at + 4, 0x7ffffff0), at
end
function kinds.bad_short ()
  local s, at = commented_epb()
  return patch32(s, at + 4, 8), at
end
function kinds.bad_ifid ()
  local s, at = commented_epb()
  return patch32(s, at + 8, 7), at
end
function kinds.bad_cut ()
  local s, at = commented_epb()
  return s:sub(1, at + 30), at
end
function kinds.bad_bom ()
  local s = kinds.comments("<")
  return patch32(s, 8, 0x12345678), 0
end
function kinds.bad_tsresol ()
  local s = shb("<") .. idb{ linktype = 1, tsresol = 0x80 | 64 } ..
            epb(0, 1, ether(1))
  return s, #shb("<")
end

local kind, out = arg[1], arg[2]
local f = kinds[(kind or ""):gsub("-", "_")]
if not f or not out then
  io.stderr:write("usage: mkng.lua KIND OUT\n")
  os.exit(2)
end
local bytes, at = f()
local h = assert(io.open(out, "wb"))
h:write(bytes)
h:close()
if at then print(at) end
