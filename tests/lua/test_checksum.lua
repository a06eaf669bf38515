-- test_checksum: the `checksum` module against a pure-Lua RFC 1071
-- reference and hand-built IPv4/IPv6 packets.
local T = require "testlib"
local memory = require "memory"
local checksum = require "checksum"

local pack, unpack, rep = string.pack, string.unpack, string.rep

-- RFC 1071 word by word, written independently of the C code
local function ref(s)
  local sum = 0
  for i = 1, #s - 1, 2 do sum = sum + (s:byte(i) << 8 | s:byte(i + 1)) end
  if #s % 2 == 1 then sum = sum + (s:byte(#s) << 8) end
  while sum > 0xffff do sum = (sum & 0xffff) + (sum >> 16) end
  return ~sum & 0xffff
end

local function put16(s, pos, v)  -- pos 1-based
  return s:sub(1, pos - 1) .. pack(">I2", v) .. s:sub(pos + 2)
end

local SRC4, DST4 = "\192\168\0\10", "\10\0\0\1"
local SRC6 = "\32\1\13\184" .. rep("\0", 10) .. "\0\1"   -- 2001:db8::1
local DST6 = "\32\1\13\184" .. rep("\0", 10) .. "\0\2"

-- transport segments with a zero checksum field
local function tcpseg(payload)
  return pack(">I2I2I4I4BBI2I2I2", 1234, 80, 0x01020304, 0x05060708,
              5 << 4, 0x18, 65535, 0, 0) .. payload
end
local function udpseg(payload)
  return pack(">I2I2I2I2", 5353, 53, 8 + #payload, 0) .. payload
end
local function icmpseg(payload)
  return pack(">BBI2I2I2", 8, 0, 0, 0x1234, 7) .. payload
end
local CKOFF = { [6] = 17, [17] = 7, [1] = 3, [58] = 3 }  -- 1-based

-- an IPv4 packet with a valid header checksum and, unless told otherwise,
-- a valid transport checksum
local function ipv4pkt(proto, seg, o)
  o = o or {}
  local opts = o.options or ""
  local ihl = 5 + #opts // 4
  local total = o.total or (ihl * 4 + #seg)
  local ff = o.fragword or 0x4000
  if proto ~= 1 and not o.nock then
    local pseudo = SRC4 .. DST4 .. pack(">BBI2", 0, proto, #seg)
    local ck = ref(pseudo .. seg)
    if proto == 17 and ck == 0 then ck = 0xffff end
    seg = put16(seg, CKOFF[proto], ck)
  elseif proto == 1 and not o.nock then
    seg = put16(seg, 3, ref(seg))
  end
  local h = pack(">BBI2I2I2BBI2", 4 << 4 | ihl, 0, total, 0x1c46, ff, 64,
                 proto, 0) .. SRC4 .. DST4 .. opts
  h = put16(h, 11, ref(h))
  return h .. seg
end

-- an IPv6 packet; `ext` is a list of {nh, bytes} extension headers
local function ipv6pkt(proto, seg, ext, o)
  o = o or {}
  ext = ext or {}
  if not o.nock then
    local pseudo = SRC6 .. DST6 .. pack(">I4I3B", #seg, 0, proto)
    seg = put16(seg, CKOFF[proto], ref(pseudo .. seg))
  end
  local exts, first = "", proto
  for i = #ext, 1, -1 do  -- chain from the last header back
    local e = ext[i]
    exts = string.char(first) .. e[2]:sub(2) .. exts
    first = e[1]
  end
  return pack(">I4I2BB", 6 << 28, #exts + #seg, first, 64) .. SRC6 .. DST6
         .. exts .. seg
end

local function hopopts() return "\0\0\1\4\0\0\0\0" end   -- PadN
local function fraghdr(offset, m) return pack(">BBI2I4", 0, 0, offset << 3 | m, 42) end

------------------------------------------------------------------------
T.case("inet: RFC 1071 example and ranges", function()
  local s = "\0\1\242\3\244\245\246\247"
  T.eq(checksum.inet(s), 0x220d)               -- sum ddf2
  T.eq(checksum.inet(memory.create(s)), 0x220d)
  T.eq(checksum.inet("xx" .. s .. "yyy", 3, 10), 0x220d)
  T.eq(checksum.inet("xx" .. s, -8), 0x220d)
  T.eq(checksum.inet("xx" .. s, 3, -1), 0x220d)
  T.eq(checksum.inet(""), 0xffff)
  T.eq(checksum.inet(s, 5, 4), 0xffff)           -- empty range
  T.eq(checksum.inet(s, 100), 0xffff)
  T.eq(checksum.inet(s, -100, 100), 0x220d)      -- clipped like string.sub
  T.eq(checksum.inet("\171"), ~0xab00 & 0xffff)  -- odd: zero padded
  T.eq(checksum.inet(s, 2, 4), ref(s:sub(2, 4)))
end)

T.case("inet: random strings and memories vs reference", function()
  math.randomseed(1071)
  for len = 0, 300 do
    local t = {}
    for i = 1, len do t[i] = string.char(math.random(0, 255)) end
    local s = table.concat(t)
    T.eq(checksum.inet(s), ref(s), "len " .. len)
    T.eq(checksum.inet(memory.create(s)), ref(s), "memory len " .. len)
    if len > 3 then
      T.eq(checksum.inet(s, 2, len - 1), ref(s:sub(2, len - 1)))
    end
  end
end)

T.case("update16/update32: RFC 1624 and random vs recompute", function()
  T.eq(checksum.update16(0xdd2f, 0x5555, 0x3285), 0x0000)
  T.eq(checksum.update16(0x1234, 7, 7), 0x1234)
  math.randomseed(1624)
  for _ = 1, 500 do
    local words = {0x4500}
    for i = 2, 10 do words[i] = math.random(0, 0xffff) end
    local s = pack(">" .. rep("I2", #words), table.unpack(words))
    local ck = ref(s)
    local i = math.random(2, 9)
    local new16 = math.random(0, 0xffff)
    local s2 = put16(s, 2 * i - 1, new16)
    T.eq(checksum.update16(ck, words[i], new16), ref(s2))
    local old32 = words[i] << 16 | words[i + 1]
    local new32 = math.random(0, 0xffffffff)
    local s3 = s:sub(1, 2 * i - 2) .. pack(">I4", new32) .. s:sub(2 * i + 3)
    T.eq(checksum.update32(ck, old32, new32), ref(s3))
  end
end)

T.case("argument errors", function()
  T.errors("bad argument #1 to 'checksum.inet'", checksum.inet, true)
  T.eq(checksum.inet(42), checksum.inet("42"))   -- numbers convert, as in Lua
  T.errors("bad argument #1 to 'checksum.inet'", checksum.inet, nil)
  T.errors("bad argument #2 to 'checksum.inet'", checksum.inet, "ab", "x")
  T.errors("bad argument #3 to 'checksum.inet'", checksum.inet, "ab", 1, 1.5)
  T.errors("bad argument #1 to 'checksum.update16' (value out of range)",
           checksum.update16, 0x10000, 0, 0)
  T.errors("bad argument #3 to 'checksum.update16' (value out of range)",
           checksum.update16, 0, 0, -1)
  T.errors("bad argument #2 to 'checksum.update16'", checksum.update16, 0, 1.5, 0)
  T.errors("bad argument #3 to 'checksum.update32' (value out of range)",
           checksum.update32, 0, 0, 0x100000000)
  T.errors("bad argument #2 to 'checksum.update32'", checksum.update32, 0)
  T.errors("bad argument #1 to 'checksum.ipv4'", checksum.ipv4, {})
  T.errors("bad argument #2 to 'checksum.ipv4' (index out of range)",
           checksum.ipv4, "x", 0)
  T.errors("bad argument #2 to 'checksum.l4' (index out of range)", checksum.l4, "x", -1)
  T.errors("bad argument #2 to 'checksum.verifyl4'", checksum.verifyl4, "x", "y")
  -- fix* write, so a string is a type error
  T.errors("bad argument #1 to 'checksum.fixipv4'", checksum.fixipv4, ipv4pkt(6, tcpseg("")))
  T.errors("bad argument #1 to 'checksum.fixl4'", checksum.fixl4, ipv4pkt(6, tcpseg("")))
end)

------------------------------------------------------------------------
T.case("ipv4 header: compute, verify, fix", function()
  local h = "\69\0\0\115\0\0\64\0\64\17\0\0\192\168\0\1\192\168\0\199"
  T.eq(checksum.ipv4(h), 0xb861)
  T.eq(checksum.verifyipv4(h), false)
  local m = memory.create("\0\0\0" .. h .. "pad")
  T.eq(checksum.fixipv4(m, 4), 0xb861)
  T.eq(memory.tostring(m), "\0\0\0" .. put16(h, 11, 0xb861) .. "pad")
  T.eq(checksum.verifyipv4(m, 4), true)
  T.eq(checksum.ipv4(m, 4), 0xb861)   -- the stored value does not count
  -- a flipped bit anywhere after the version/ihl byte breaks it
  local good = put16(h, 11, 0xb861)
  for i = 2, 20 do
    local bad = good:sub(1, i - 1) .. string.char(good:byte(i) ~ 0x10) .. good:sub(i + 1)
    T.eq(checksum.verifyipv4(bad), false, "byte " .. i)
  end
end)

T.case("ipv4 header with options", function()
  local p = ipv4pkt(6, tcpseg("hi"), { options = "\148\4\0\0" })  -- router alert
  T.eq(checksum.verifyipv4(p), true)
  T.eq(checksum.ipv4(p), unpack(">I2", p, 11))
  T.eq(checksum.verifyl4(p), true)
end)

T.case("ipv4 header: not applicable", function()
  local h = ipv4pkt(6, tcpseg(""))
  local r, msg = checksum.ipv4(h:sub(1, 19))
  T.eq(r, nil); T.ok(msg:find("truncated"), msg)
  r, msg = checksum.verifyipv4("\96" .. h:sub(2))
  T.eq(r, nil); T.ok(msg:find("not an IPv4"), msg)
  r, msg = checksum.ipv4("\68" .. h:sub(2))          -- ihl 4
  T.eq(r, nil); T.ok(msg:find("header length"), msg)
  r, msg = checksum.ipv4("\70" .. h:sub(2, 20))      -- ihl 6, 20 bytes
  T.eq(r, nil); T.ok(msg:find("truncated"), msg)
  r, msg = checksum.ipv4(h, #h + 1)
  T.eq(r, nil); T.ok(msg:find("truncated"), msg)
  r, msg = checksum.ipv4(h, 1000)
  T.eq(r, nil); T.ok(msg:find("truncated"), msg)
end)

------------------------------------------------------------------------
local cases4 = {
  { "TCP", 6, tcpseg("hello, world!") },
  { "TCP even", 6, tcpseg("hello!") },
  { "UDP", 17, udpseg("query") },
  { "ICMP", 1, icmpseg("ping data") },
  { "ICMP empty", 1, icmpseg("") },
}

for _, c in ipairs(cases4) do
  local name, proto, seg = c[1], c[2], c[3]
  T.case("l4 over IPv4: " .. name, function()
    local p = ipv4pkt(proto, seg)
    local want = unpack(">I2", p, 20 + CKOFF[proto])
    T.eq(checksum.verifyl4(p), true)
    T.eq(checksum.l4(p), want)
    -- the same packet behind an Ethernet header and with Ethernet padding:
    -- the IP total length decides, not the capture length
    local eth = rep("\255", 12) .. "\8\0"
    local m = memory.create(eth .. p .. rep("\0", 7))
    T.eq(checksum.verifyl4(m, 15), true)
    T.eq(checksum.l4(m, 15), want)
    -- break it, then fix it in place
    local off = 14 + 20 + CKOFF[proto]
    memory.set(m, off, 0xde, 0xad)
    T.eq(checksum.verifyl4(m, 15), false)
    T.eq(checksum.fixl4(m, 15), want)
    T.eq(memory.tostring(m), eth .. p .. rep("\0", 7))
    -- a changed payload byte is caught
    local q = p:sub(1, -2) .. string.char(p:byte(-1) ~ 1)
    T.eq(checksum.verifyl4(q), false)
  end)
end

T.case("UDP over IPv4: checksum 0 means none", function()
  local p = ipv4pkt(17, udpseg("abc"), { nock = true })
  T.eq(unpack(">I2", p, 27), 0)
  T.eq(checksum.verifyl4(p), true)
  local m = memory.create(p)
  T.eq(checksum.fixl4(m), 0)
  T.eq(memory.tostring(m), p)
  -- l4 still says what a checksum would be
  local pseudo = SRC4 .. DST4 .. pack(">BBI2", 0, 17, 11)
  T.eq(checksum.l4(p), ref(pseudo .. udpseg("abc")))
end)

T.case("UDP: a computed 0 is sent as ffff", function()
  -- search a payload whose checksum computes to 0 (sum ffff)
  local found
  for x = 0, 0xffff do
    local seg = udpseg(pack(">I2", x))
    local pseudo = SRC4 .. DST4 .. pack(">BBI2", 0, 17, #seg)
    if ref(pseudo .. seg) == 0 then found = seg break end
  end
  T.ok(found, "no payload with checksum 0")
  local p = ipv4pkt(17, found)
  T.eq(unpack(">I2", p, 27), 0xffff)
  T.eq(checksum.l4(p), 0xffff)
  T.eq(checksum.verifyl4(p), true)
  local m = memory.create(put16(p, 27, 0x1234))
  T.eq(checksum.fixl4(m), 0xffff)
  T.eq(memory.tostring(m), p)
end)

T.case("UDP length shorter than the IP payload", function()
  local seg = udpseg("abcd") .. "trailer"   -- 7 bytes not UDP's
  local pseudo = SRC4 .. DST4 .. pack(">BBI2", 0, 17, 12)
  local ck = ref(pseudo .. seg:sub(1, 12))
  local p = ipv4pkt(17, put16(seg, 7, ck), { nock = true })
  T.eq(checksum.verifyl4(p), true)
  T.eq(checksum.l4(p), ck)
  local bad = ipv4pkt(17, pack(">I2I2I2I2", 1, 2, 100, 0) .. "xx", { nock = true })
  local r, msg = checksum.l4(bad)
  T.eq(r, nil); T.eq(msg, "bad UDP length")
end)

T.case("IPv4 fragments are not applicable", function()
  for _, ff in ipairs{ 0x2000, 0x0001, 0x2010, 0x1fff } do
    local p = ipv4pkt(17, udpseg("frag"), { fragword = ff })
    local r, msg = checksum.l4(p)
    T.eq(r, nil); T.eq(msg, "fragment")
    r, msg = checksum.verifyl4(p)
    T.eq(r, nil); T.eq(msg, "fragment")
    local m = memory.create(p)
    r, msg = checksum.fixl4(m)
    T.eq(r, nil); T.eq(msg, "fragment")
    T.eq(memory.tostring(m), p)
    T.eq(checksum.verifyipv4(p), true)   -- the header checksum still works
  end
  -- DF and the reserved bit do not make a fragment
  T.eq(checksum.verifyl4(ipv4pkt(17, udpseg("x"), { fragword = 0x4000 })), true)
end)

T.case("IPv4 unknown protocol and bad lengths", function()
  local p = ipv4pkt(47, "\0\0\8\0gre!", { nock = true })
  local r, msg = checksum.l4(p)
  T.eq(r, nil); T.eq(msg, "unsupported protocol 47")
  r, msg = checksum.l4(ipv4pkt(58, icmpseg("")))   -- ICMPv6 over IPv4
  T.eq(r, nil); T.eq(msg, "unsupported protocol 58")
  r, msg = checksum.l4(ipv4pkt(6, tcpseg(""), { total = 19 }))
  T.eq(r, nil); T.eq(msg, "bad IPv4 total length")
  r, msg = checksum.l4(ipv4pkt(6, tcpseg(""), { total = 30 }))
  T.eq(r, nil); T.eq(msg, "bad transport length")
  r, msg = checksum.l4("\0\0\0\0")
  T.eq(r, nil); T.eq(msg, "not an IP header")
end)

------------------------------------------------------------------------
local cases6 = {
  { "TCP", 6, tcpseg("six"), nil },
  { "UDP", 17, udpseg("six!"), nil },
  { "ICMPv6", 58, icmpseg("echo"), nil },
  { "UDP after hop-by-hop", 17, udpseg("hbh"), { { 0, hopopts() } } },
  { "ICMPv6 after hop-by-hop, dest opts, atomic fragment", 58, icmpseg("x"),
    { { 0, hopopts() }, { 60, hopopts() }, { 44, fraghdr(0, 0) } } },
  { "TCP after routing with no segments left", 6, tcpseg(""),
    { { 43, "\0\2\0\0" .. rep("\0", 20) } } },
  { "UDP after AH", 17, udpseg("ah"), { { 51, "\0\1\0\0" .. rep("\0", 8) } } },
}

for _, c in ipairs(cases6) do
  local name, proto, seg, ext = c[1], c[2], c[3], c[4]
  T.case("l4 over IPv6: " .. name, function()
    local p = ipv6pkt(proto, seg, ext)
    local l4at = #p - #seg
    local want = unpack(">I2", p, l4at + CKOFF[proto])
    T.eq(checksum.verifyl4(p), true)
    T.eq(checksum.l4(p), want)
    local m = memory.create(rep("\0", 4) .. p .. "padding")
    memory.set(m, 4 + l4at + CKOFF[proto], 0, 0)
    T.eq(checksum.verifyl4(m, 5), false)
    T.eq(checksum.fixl4(m, 5), want)
    T.eq(memory.tostring(m), rep("\0", 4) .. p .. "padding")
  end)
end

-- tshark, an independent implementation, agrees on the hand-built packets:
-- every transport checksum good; with the stored value damaged, bad, and
-- the value it computes is l4's
T.case("tshark agrees on the hand-built packets", function()
  if not os.execute("command -v tshark >/dev/null 2>&1") then
    print("tshark not found: case skipped")
    return
  end
  local function tshark(list)
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write(pack("<I4I2I2i4I4I4I4", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for _, p in ipairs(list) do f:write(pack("<I4I4I4I4", 0, 0, #p, #p), p) end
    f:close()
    local pipe = assert(io.popen("tshark -n -r " .. path .. " -T fields"
      .. " -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE -E occurrence=f"
      .. " -e tcp.checksum.status -e udp.checksum.status -e icmp.checksum.status"
      .. " -e icmpv6.checksum.status -e tcp.checksum_calculated"
      .. " -e udp.checksum_calculated 2>/dev/null"))
    local rows = {}
    for line in pipe:lines() do
      local c = {}
      for col in (line .. "\t"):gmatch("([^\t]*)\t") do c[#c + 1] = col end
      rows[#rows + 1] = { status = c[1] .. c[2] .. c[3] .. c[4],
                          calc = tonumber(c[5] .. c[6]) }
    end
    pipe:close()
    os.remove(path)
    return rows
  end
  local good, bad, want = {}, {}, {}
  local function add(p, proto, seg)
    local at = #p - #seg + CKOFF[proto]
    local stored = unpack(">I2", p, at)
    local wrong = stored ~ 0x0101
    if wrong == 0 then wrong = stored ~ 0x0202 end
    good[#good + 1] = p
    bad[#bad + 1] = put16(p, at, wrong)
    want[#want + 1] = stored
  end
  for _, c in ipairs(cases4) do add(ipv4pkt(c[2], c[3]), c[2], c[3]) end
  for _, c in ipairs(cases6) do add(ipv6pkt(c[2], c[3], c[4]), c[2], c[3]) end
  local rows = tshark(good)
  T.eq(#rows, #good, "tshark rows")
  for i, r in ipairs(rows) do
    T.eq(r.status, "1", "packet " .. i .. " good for tshark")
    T.eq(checksum.verifyl4(good[i]), true, "packet " .. i)
  end
  rows = tshark(bad)
  T.eq(#rows, #bad, "tshark rows")
  for i, r in ipairs(rows) do
    T.eq(r.status, "0", "packet " .. i .. " bad for tshark")
    T.eq(checksum.verifyl4(bad[i]), false, "damaged packet " .. i)
    T.eq(checksum.l4(bad[i]), want[i], "packet " .. i)
    if r.calc then T.eq(r.calc, want[i], "tshark's value, packet " .. i) end
  end
end)

T.case("IPv6: UDP checksum 0 is invalid and gets fixed", function()
  local p = ipv6pkt(17, udpseg("zero"), nil, { nock = true })
  T.eq(checksum.verifyl4(p), false)
  local m = memory.create(p)
  local ck = checksum.fixl4(m)
  T.ok(ck ~= 0)
  T.eq(checksum.verifyl4(m), true)
end)

T.case("IPv6: not applicable", function()
  local r, msg = checksum.l4(ipv6pkt(17, udpseg("f"), { { 44, fraghdr(0, 1) } }))
  T.eq(r, nil); T.eq(msg, "fragment")
  r, msg = checksum.l4(ipv6pkt(17, udpseg("f"), { { 44, fraghdr(10, 0) } }))
  T.eq(r, nil); T.eq(msg, "fragment")
  r, msg = checksum.l4(ipv6pkt(6, tcpseg(""), { { 43, "\0\2\0\1" .. rep("\0", 20) } }))
  T.eq(r, nil); T.eq(msg, "unsupported routing header")
  r, msg = checksum.l4(ipv6pkt(1, icmpseg(""), nil, { nock = true }))
  T.eq(r, nil); T.eq(msg, "unsupported protocol 1")
  local p = ipv6pkt(17, udpseg(""))
  r, msg = checksum.l4(p:sub(1, 6) .. "\59" .. p:sub(8))
  T.eq(r, nil); T.eq(msg, "no transport header")
  -- an extension header longer than the payload length says
  r, msg = checksum.l4(ipv6pkt(6, tcpseg(""), { { 0, "\0\9" .. rep("\0", 6) } }))
  T.eq(r, nil); T.eq(msg, "bad IPv6 extension header length")
  r, msg = checksum.l4(put16(p, 5, 0))   -- payload length 0: jumbogram
  T.eq(r, nil); T.ok(msg:find("jumbogram"), msg)
end)

------------------------------------------------------------------------
-- every prefix of every packet: nil + "truncated ..." (or a length
-- complaint), never an error, never a write
T.case("truncated captures", function()
  local pkts = {
    ipv4pkt(6, tcpseg("payload")), ipv4pkt(17, udpseg("p")),
    ipv4pkt(1, icmpseg("")),
    ipv6pkt(6, tcpseg("p")), ipv6pkt(58, icmpseg("")),
    ipv6pkt(17, udpseg("x"), { { 0, hopopts() }, { 44, fraghdr(0, 0) } }),
  }
  for k, p in ipairs(pkts) do
    for n = 0, #p - 1 do
      local s = p:sub(1, n)
      local r, msg = checksum.l4(s)
      T.eq(r, nil, "l4 " .. k .. " " .. n)
      T.ok(msg:find("truncated"), msg)
      local m = memory.create(s)
      r, msg = checksum.fixl4(m)
      T.eq(r, nil)
      T.ok(msg:find("truncated"), msg)
      T.eq(memory.tostring(m), s)
      if p:byte(1) >> 4 == 4 and n < 20 then
        r, msg = checksum.fixipv4(m)
        T.eq(r, nil); T.ok(msg:find("truncated"), msg)
      end
    end
    T.eq(checksum.verifyl4(p), true, "whole packet " .. k)
  end
end)

-- random bytes with an IPv4/IPv6 version nibble and plausible protocol
-- numbers: every call returns a result or nil + msg, and (under ASan) never
-- touches a byte outside the memory
T.case("random packets never break the parser", function()
  math.randomseed(791)
  local protos = { 0, 1, 6, 17, 43, 44, 51, 58, 59, 60, 255 }
  for _ = 1, 3000 do
    local len = math.random(0, 80)
    local t = {}
    for i = 1, len do t[i] = math.random(0, 255) end
    if len >= 1 then t[1] = (math.random(2) == 1 and 0x40 or 0x60) | (t[1] & 0x0f) end
    if len >= 10 then t[10] = protos[math.random(#protos)] end   -- IPv4 protocol
    if len >= 7 then t[7] = protos[math.random(#protos)] end     -- IPv6 next header
    if len >= 4 and math.random(2) == 1 then t[3], t[4] = 0, len end  -- lengths fit
    if len >= 6 and math.random(2) == 1 then t[5], t[6] = 0, math.max(0, len - 40) end
    local m = memory.create(len)
    for i = 1, len do memory.set(m, i, t[i]) end
    for _, f in ipairs{ checksum.ipv4, checksum.verifyipv4, checksum.fixipv4,
                        checksum.l4, checksum.verifyl4, checksum.fixl4 } do
      local r, msg = f(m)
      T.ok(r ~= nil or type(msg) == "string")
    end
    if len > 0 then  -- a fixed packet verifies
      if checksum.fixl4(m) then T.eq(checksum.verifyl4(m), true) end
      if checksum.fixipv4(m) then T.eq(checksum.verifyipv4(m), true) end
    end
  end
end)

os.exit(T.summary())
