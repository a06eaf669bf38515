-- mkswapped.lua LINKTYPE OUT: a big-endian pcap file (as a big-endian host
-- writes it) of link type LINKTYPE whose records carry the pseudo-header
-- fields libpcap swaps into the reader's byte order (pcap-util.c): NFLOG
-- TLV types and lengths, Linux USB headers, SocketCAN ids behind SLL and
-- SLL2, PFLOG uid and pid. On a little-endian host libpcap swaps them.
local linktype, out = tonumber(arg[1]), arg[2]
assert(linktype and out, "usage: lua5.4 mkswapped.lua LINKTYPE OUT")

local function can (id)  -- SocketCAN classic header (id in host order) + 8 bytes
  return string.pack(">I4BBBB", id, 8, 0, 0, 0) .. "\1\2\3\4\5\6\7\8"
end

local records = {
  -- NFLOG: version 0 header, then TLVs of host-order length and type
  [239] = function (n)
    return string.pack(">BBI2", 2, 0, n)
      .. string.pack(">I2I2I4", 8, 1, 0x01020300 + n)       -- packet header
      .. string.pack(">I2I2", 5, 10) .. "x\0\0\0"           -- padded TLV
      .. string.pack(">I2I2", 24, 9)                        -- payload TLV
      .. string.pack(">BBI2I2I2BBI2I4I4", 0x45, 0, 20, n, 0, 64, 17, 0,
                     0x0a000001, 0x0a000002)
  end,
  -- USB_LINUX: the 48-byte header, a control transfer
  [189] = function (n)
    return string.pack(">I8BBBBI2BBi8i4i4I4I4", 0x1122334455667700 + n,
                       0x53, 2, 0x80, 3, 0x0102, 0, 0, 1700000000 + n,
                       n * 1000, -115, 64, 8) .. "\128\6\0\1\0\0\64\0"
      .. string.rep(string.char(n), 8)
  end,
  -- USB_LINUX_MMAPPED: the 64-byte header
  [220] = function (n)
    return string.pack(">I8BBBBI2BBi8i4i4I4I4", 0x1122334455667700 + n,
                       0x43, 2, 0x80, 3, 0x0102, 0, 0, 1700000000 + n,
                       n * 1000, 0, 18, 18) .. "\128\6\0\1\0\0\18\0"
      .. string.pack(">i4i4I4I4", 1, 2, 0x204, 0) .. string.rep("d", 18)
  end,
  -- LINUX_SLL carrying CAN (protocol 0x000c)
  [113] = function (n)
    return string.pack(">I2I2I2", 0, 280, 0) .. string.rep("\0", 8)
      .. string.pack(">I2", 0x000c) .. can(0x12300 + n)
  end,
  -- LINUX_SLL2 carrying CAN FD (protocol 0x000d)
  [276] = function (n)
    return string.pack(">I2I2I4I2BB", 0x000d, 0, 3, 280, 0, 0)
      .. string.rep("\0", 8) .. can(0x45600 + n)
  end,
  -- PFLOG: length 61 (uid and pid present), then uid, pid in host order
  [117] = function (n)
    return string.pack(">BBBB", 61, 2, 0, 1) .. string.rep("\0", 16)
      .. string.rep("r", 16) .. string.pack(">I4I4i4i4BBBB", 1, 2, 1000 + n,
                                             4000 + n, 0, 0, 1, 0)
      .. string.pack(">BBI2I2I2BBI2I4I4", 0x45, 0, 20, n, 0, 64, 17, 0,
                     0x0a000001, 0x0a000002)
  end,
}
local make = assert(records[linktype], "no records for this link type")
local f = assert(io.open(out, "wb"))
f:write(string.pack(">I4I2I2i4I4I4I4", 0xa1b2c3d4, 2, 4, 0, 0, 65535,
                    linktype))
for n = 1, 5 do
  local d = make(n)
  f:write(string.pack(">I4I4I4I4", 1700000000 + n, n, #d, #d), d)
end
f:close()
