-- test_blocklist_build.lua: the text parser and file layout of
-- lua/examples/blocklist_build.lua (its end-to-end test is
-- tests/integration/regions/blocklist.sh).
local T = require "testlib"
local src = os.getenv("PKTLUA_SOURCE_DIR") or ".."
local B = dofile(src .. "/lua/examples/blocklist_build.lua")

local function hex6(r) return ("%016x%016x"):format(r[1], r[2]) end

T.case("IPv4 entries", function()
  local f, a, b = B.parse_entry("10.1.2.3")
  T.eq(f, 4); T.eq(a, 0x0a010203); T.eq(b, 0x0a010203)
  f, a, b = B.parse_entry("10.1.2.3/16")
  T.eq(a, 0x0a010000); T.eq(b, 0x0a01ffff)
  f, a, b = B.parse_entry("0.0.0.0/0")
  T.eq(a, 0); T.eq(b, 0xffffffff)
  f, a, b = B.parse_entry("1.2.3.4-1.2.4.0")
  T.eq(a, 0x01020304); T.eq(b, 0x01020400)
  for _, bad in ipairs{"1.2.3", "1.2.3.256", "1.2.3.4/33", "1.2.3.9-1.2.3.1",
                       "a.b.c.d", "1.2.3.4.5"} do
    T.eq(B.parse_entry(bad), nil, bad)
  end
end)

T.case("IPv6 entries", function()
  local cases = {
    {"::", "00000000000000000000000000000000"},
    {"::1", "00000000000000000000000000000001"},
    {"2001:db8::", "20010db8000000000000000000000000"},
    {"2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001"},
    {"fe80::1:2", "fe800000000000000000000000010002"},
    {"::ffff:c000:201", "00000000000000000000ffffc0000201"},
    {"1:2:3:4:5:6:7:8", "00010002000300040005000600070008"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ("f"):rep(32)},
  }
  for _, c in ipairs(cases) do
    local f, a, b = B.parse_entry(c[1])
    T.eq(f, 6, c[1]); T.eq(hex6(a), c[2], c[1]); T.eq(hex6(b), c[2], c[1])
  end
  local _, a, b = B.parse_entry("2001:db8::/32")
  T.eq(hex6(a), "20010db8000000000000000000000000")
  T.eq(hex6(b), "20010db8ffffffffffffffffffffffff")
  _, a, b = B.parse_entry("2001:db8::/64")
  T.eq(hex6(b), "20010db800000000ffffffffffffffff")
  _, a, b = B.parse_entry("2001:db8::100/120")
  T.eq(hex6(a), "20010db8000000000000000000000100")
  T.eq(hex6(b), "20010db80000000000000000000001ff")
  _, a, b = B.parse_entry("::/0")
  T.eq(hex6(a), ("0"):rep(32)); T.eq(hex6(b), ("f"):rep(32))
  for _, bad in ipairs{"1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                       "12345::", "::g", "::/129", "::2-::1", "1:2:3:4:5:6:7::8"} do
    T.eq(B.parse_entry(bad), nil, bad)
  end
end)

T.case("the file: sorted, merged, counted", function()
  local bytes, n4, n6 = B.build([[
    10.0.0.5          # out of order
    10.0.0.1-10.0.0.3
    10.0.0.4          # adjacent: one range 10.0.0.1-10.0.0.5
    10.0.0.9
    ::1
    ::/127            # covers ::1
    ::ffff:0:0/96
  ]])
  T.eq(n4, 2); T.eq(n6, 2)
  T.eq(bytes:sub(1, 8), B.MAGIC)
  T.eq(#bytes, 16 + 2 * 8 + 2 * 32)
  local c4, c6, a1, b1, a2, b2 = string.unpack(">I4I4I4I4I4I4", bytes, 9)
  T.eq(c4, 2); T.eq(c6, 2)
  T.eq(a1, 0x0a000001); T.eq(b1, 0x0a000005); T.eq(a2, 0x0a000009); T.eq(b2, a2)
  T.eq(bytes:sub(33, 64):byte(-1), 1)   -- ::/127 ends at ::1
  local nothing, err = B.build("10.0.0.1\nbogus\n")
  T.eq(nothing, nil); T.eq(err, "line 2: bad address: bogus")
  T.eq(select(2, B.build("")), 0)
end)

os.exit(T.summary())
