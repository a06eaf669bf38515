-- mkpcap.lua CASE OUT: writes one hostile capture file for hostile-captures.sh
-- (pcap format: libpcap's savefile man page pcap-savefile(5); pcapng: the
-- IETF pcapng draft). Packets are Ethernet/IPv4/UDP frames with valid
-- headers, so everything before the fault is an ordinary packet.
--
-- Cases (the record numbers are 1-based):
--   notcapture  a text file                 badmagic   magic 0xdeadbeef
--   shorthdr    10 bytes of a file header   shortrec   3 packets, 4th cut
--   shortrechdr 3 packets, then 8 of the 16 bytes of a record header
--   capsnap     snaplen 64, records of caplen 100 (> snaplen), then normal
--   caplen      3 packets, the 2nd with caplen 60 > len 42
--   caplen0     3 packets, the 2nd with caplen 0 (len 60)
--   big         a 262144-byte record (256 KiB, the largest libpcap takes)
--   toobig      2 packets, then a 262145-byte record
--   garbageng   pcapng: SHB, IDB, 2 EPBs, then a block with a bad length
--   garbageng2  pcapng: SHB, IDB, 1 EPB, then 64 random bytes
--   oddlink     link type 12345 (unknown to libpcap), 2 records
--   oddhdr      big-endian nanosecond file, snaplen 0xffffffff, ns 999999999
local case, out = arg[1], arg[2]
assert(case and out, "usage: lua5.4 mkpcap.lua CASE OUT")

local function ipsum (s)  -- RFC 1071 over a string of even length
  local sum = 0
  for i = 1, #s - 1, 2 do sum = sum + (s:byte(i) << 8) + s:byte(i + 1) end
  while sum > 0xffff do sum = (sum & 0xffff) + (sum >> 16) end
  return ~sum & 0xffff
end

-- an Ethernet/IPv4/UDP frame of exactly `len` bytes (len >= 42), packet n
local function frame (n, len)
  local payload = string.rep(string.char(n & 0xff), len - 42)
  local ulen = math.min(8 + #payload, 0xffff - 20)  -- big frames: padding
  local udp = string.pack(">I2I2I2I2", 40000 + n, 53, ulen, 0)
  local ip = string.pack(">BBI2I2I2BBI2I4I4", 0x45, 0, 20 + ulen,
                         n, 0, 64, 17, 0, 0x0a000001, 0x0a000002)
  ip = ip:sub(1, 10) .. string.pack(">I2", ipsum(ip)) .. ip:sub(13)
  return string.pack(">I6I6I2", 0x020000000001, 0x020000000002, 0x0800)
         .. ip .. udp .. payload
end

local function filehdr (snaplen, magic)
  return string.pack("<I4I2I2i4I4I4I4", magic or 0xa1b2c3d4, 2, 4, 0, 0,
                     snaplen or 262144, 1)
end

-- a record: caplen and len may lie; `data` is what actually follows
local function record (n, data, caplen, len)
  return string.pack("<I4I4I4I4", 1700000000 + n, n * 1000,
                     caplen or #data, len or #data) .. data
end

local function good (n) return record(n, frame(n, 60 + n)) end

-- pcapng blocks (little-endian section)
local function block (btype, body)
  local pad = (4 - #body % 4) % 4
  body = body .. string.rep("\0", pad)
  local total = 12 + #body
  return string.pack("<I4I4", btype, total) .. body .. string.pack("<I4", total)
end
local function shb () return block(0x0a0d0d0a,
  string.pack("<I4I2I2i8", 0x1a2b3c4d, 1, 0, -1)) end
local function idb () return block(1, string.pack("<I2I2I4", 1, 0, 262144)) end
local function epb (n)
  local d = frame(n, 60 + n)
  return block(6, string.pack("<I4I4I4I4I4", 0, 0, n, #d, #d) .. d)
end

local cases = {
  notcapture = function ()
    return "This is a text file, not a packet capture.\n" end,
  badmagic = function ()
    return filehdr(nil, 0xdeadbeef) .. good(1) end,
  shorthdr = function () return filehdr():sub(1, 10) end,
  shortrec = function ()
    return filehdr() .. good(1) .. good(2) .. good(3)
           .. record(4, frame(4, 100)):sub(1, 16 + 20) end,
  shortrechdr = function ()
    return filehdr() .. good(1) .. good(2) .. good(3)
           .. record(4, frame(4, 100)):sub(1, 8) end,
  capsnap = function ()
    return filehdr(64) .. good(1) .. record(2, frame(2, 100))
           .. record(3, frame(3, 100)) .. record(4, frame(4, 50)) end,
  caplen = function ()
    return filehdr() .. good(1) .. record(2, frame(2, 60), 60, 42)
           .. good(3) end,
  caplen0 = function ()
    return filehdr() .. good(1) .. record(2, "", 0, 60) .. good(3) end,
  big = function ()
    return filehdr() .. good(1) .. record(2, frame(2, 262144)) .. good(3) end,
  toobig = function ()
    return filehdr() .. good(1) .. good(2) .. record(3, frame(3, 262145))
           .. good(4) end,
  garbageng = function ()
    return shb() .. idb() .. epb(1) .. epb(2)
           .. string.pack("<I4I4", 6, 0x7ffffff1) .. string.rep("\xee", 40) end,
  garbageng2 = function ()
    local t, x = {}, 12345
    for i = 1, 64 do x = (x * 1103515245 + 12345) & 0x7fffffff
      t[i] = string.char(x >> 16 & 0xff) end
    return shb() .. idb() .. epb(1) .. table.concat(t) end,
}

cases.oddlink = function ()
  return string.pack("<I4I2I2i4I4I4I4", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 12345)
         .. good(1) .. good(2) end
cases.oddhdr = function ()
  local d = frame(1, 60)
  return string.pack(">I4I2I2i4I4I4I4", 0xa1b23c4d, 2, 4, 0, 0, 0xffffffff, 1)
         .. string.pack(">I4I4I4I4", 1700000000, 999999999, #d, #d) .. d end

local make = assert(cases[case], "unknown case " .. case)
local f = assert(io.open(out, "wb"))
f:write(make())
f:close()
