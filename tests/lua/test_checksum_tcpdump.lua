-- test_checksum_tcpdump: the checksum module's verdicts (and the values it
-- computes for bad checksums) agree with tcpdump -vv on the captures:
-- IPv4 header "bad cksum X (->Y)!", TCP "(correct)" / "(incorrect -> 0xY)",
-- "[udp sum ok]" / "[bad udp cksum 0xX -> 0xY!]", ICMP "(wrong icmp cksum
-- X (->Y)!)", ICMPv6 "[icmp6 sum ok]" / "[bad icmp6 cksum 0xX -> 0xY!]".
-- Runs over the generated corpus (build/corpus, pktgen --corpus), or with
-- PKTLUA_CORPUS=shared over ../shared/captures (skipped, exit 77, when
-- that folder is absent).
local T = require "testlib"
local corpus = require "tests.layouts.corpus"
local dir, shared = corpus.dir()

local memory = require "memory"
local checksum = require "checksum"
local pcapread = require "tests.layouts.pcapread"
local oracle = require "tests.layouts.oracle"

-- tcpdump -vv output split per packet (a packet's first line starts with
-- its timestamp, continuation lines with white space)
local function tcpdump(path)
  local pipe = assert(io.popen("tcpdump -vv -n -r '" .. path .. "' 2>/dev/null"))
  local blocks = {}
  for line in pipe:lines() do
    if line:match("^%d") or #blocks == 0 then
      blocks[#blocks + 1] = line
    else
      blocks[#blocks] = blocks[#blocks] .. "\n" .. line
    end
  end
  pipe:close()
  return blocks
end

-- tcpdump's verdict on the outer IPv4 header: false, correct value | true
local function ipverdict(block)
  local line = block:match("[^\n]*%(tos [^\n]*")
  if not line then return nil end
  local y = line:match(", bad cksum %x+ %(%->(%x+)%)!")
  if y then return false, tonumber(y, 16) end
  return true
end

-- the first of tcpdump's two verdicts in block b: true when the pattern
-- ok comes first, false and the correct value (bad's capture) when bad
-- does, nothing when neither is there
local function first_verdict(b, ok, bad)
  local at_ok = b:find(ok)
  local at_bad, _, y = b:find(bad)
  if at_ok and (not at_bad or at_ok < at_bad) then return true end
  if at_bad then return false, tonumber(y, 16) end
end

-- the first transport verdict of a kind in the block
local L4 = {
  [6] = function(b)
    return first_verdict(b, "cksum 0x%x+ %(correct%)",
                         "cksum 0x%x+ %(incorrect %-> 0x(%x+)%)")
  end,
  [17] = function(b)
    return first_verdict(b, "%[udp sum ok%]", "%[bad udp cksum 0x%x+ %-> 0x(%x+)!%]")
  end,
  [1] = function(b)  -- tcpdump says only when it is wrong
    local y = b:match("%(wrong icmp cksum %x+ %(%->(%x+)%)!%)")
    if y then return false, tonumber(y, 16) end
    return "silent"
  end,
  [58] = function(b)
    return first_verdict(b, "%[icmp6 sum ok%]", "%[bad icmp6 cksum 0x%x+ %-> 0x(%x+)!%]")
  end,
}

-- compares one capture; returns counts of compared verdicts
local function compare(path)
  local blocks = tcpdump(path)
  local n = { ip = 0, [6] = 0, [17] = 0, [1] = 0, [58] = 0, bad = 0 }
  local frames = 0
  for frame, data, linktype in pcapread.packets(path) do
    frames = frames + 1
    local block = blocks[frame]
    T.ok(block, path .. ": tcpdump printed no packet " .. frame)
    local m = memory.create(data)
    local l3, et = oracle.l3(m, linktype)
    local where = path:match("[^/]*$") .. " frame " .. frame
    if l3 and et == 0x0800 and l3 + 19 <= #m then
      local ok, want = ipverdict(block)
      local got = checksum.verifyipv4(m, l3)
      if ok ~= nil and got ~= nil then
        T.eq(got, ok, where .. " IPv4 header")
        if not ok then
          T.eq(checksum.ipv4(m, l3), want, where .. " IPv4 value")
          n.bad = n.bad + 1
        end
        n.ip = n.ip + 1
      end
    end
    if l3 and (et == 0x0800 or et == 0x86dd) then
      local v6 = et == 0x86dd
      local proto = v6 and m:get(l3 + 6) or m:get(l3 + 9)
      local verdict = L4[proto] and (proto ~= 58 or v6) and (proto ~= 1 or not v6)
                      and L4[proto]
      if verdict then
        local ok, want = verdict(block)
        local got, msg = checksum.verifyl4(m, l3)
        if ok == "silent" then  -- ICMP: no complaint means good, if checked
          if got ~= nil then T.eq(got, true, where .. " ICMP") n[proto] = n[proto] + 1 end
        elseif ok ~= nil then
          T.eq(got, ok, where .. " transport " .. proto .. " (" .. tostring(msg) .. ")")
          if not ok then
            T.eq(checksum.l4(m, l3), want, where .. " transport value")
            n.bad = n.bad + 1
          end
          n[proto] = n[proto] + 1
        end
      end
    end
  end
  T.eq(frames, #blocks, path .. ": packet count")
  return n
end

local NAMES = { [6] = "tcp", [17] = "udp", [1] = "icmp", [58] = "icmp6" }

-- file, then the least number of verdicts each capture must yield, so a
-- parsing slip that compares nothing cannot pass
local expect = shared and {
  { "zeek-ip4-bad-chksum.pcap", ip = 1, udp = 1, bad = 1 },
  { "zeek-ip4-tcp-bad-chksum.pcap", ip = 1, tcp = 1, bad = 1 },
  { "zeek-ip4-tcp-good-chksum.pcap", ip = 1, tcp = 1 },
  { "zeek-ip4-udp-bad-chksum.pcap", ip = 1, udp = 1, bad = 1 },
  { "zeek-ip4-udp-good-chksum.pcap", ip = 1, udp = 1 },
  { "zeek-ip4-icmp-bad-chksum.pcap", ip = 1, icmp = 1, bad = 1 },
  { "zeek-ip4-icmp-good-chksum.pcap", ip = 1, icmp = 1 },
  { "tcpreplay-test.pcap", ip = 100, tcp = 50, udp = 3, bad = 4 },
  { "zeek-ftp-cwd-navigation.pcap", ip = 8000, tcp = 8000 },
  { "tcpdump-afs-fragments.pcap", ip = 600, udp = 100 },
  { "tcpdump-ikev2-null.pcap", ip = 21, udp = 21 },
  { "zeek-linux-sll2.pcap", ip = 1, icmp = 1, icmp6 = 1 },
  { "tcpdump-tcp-handshake-nano-sll.pcap", ip = 3, tcp = 3 },
  { "zeek-http-qinq.pcap", ip = 14, tcp = 14 },
  { "zeek-truncated-header.pcap", ip = 20 },
  { "tcpdump-igmp-v1-ipoptions.pcap", ip = 20 },
} or {
  { "ipv4-bad-cksum.pcap", ip = 1, udp = 1, bad = 1 },
  { "tcp-bad-cksum.pcap", ip = 1, tcp = 1, bad = 1 },
  { "tcp-good-cksum.pcap", ip = 1, tcp = 1 },
  { "udp-bad-cksum.pcap", ip = 1, udp = 1, bad = 1 },
  { "udp-good-cksum.pcap", ip = 1, udp = 1 },
  { "icmp-bad-cksum.pcap", ip = 1, icmp = 1, bad = 1 },
  { "icmp-good-cksum.pcap", ip = 1, icmp = 1 },
  { "icmp6-bad-cksum.pcap", icmp6 = 1, bad = 1 },
  { "icmp6-good-cksum.pcap", icmp6 = 1 },
  { "eth-mixed.pcap", ip = 30, tcp = 25, udp = 5, icmp = 3, bad = 4 },
  { "tcp-long.pcap", ip = 9000, tcp = 9000 },
  { "ipv4-fragments.pcap", ip = 400, udp = 100 },
  { "null.pcap", ip = 20, udp = 20, icmp6 = 2 },
  { "loop.pcap", ip = 20, udp = 20, icmp6 = 2 },
  { "sll2.pcap", ip = 4, icmp = 2, udp = 2, icmp6 = 2 },
  { "sll-nano.pcap", ip = 8, tcp = 8, icmp6 = 2 },
  { "vlan.pcap", ip = 12, tcp = 8 },
  { "qinq.pcap", ip = 18, tcp = 16 },
  { "raw.pcap", ip = 2, udp = 2, icmp6 = 2 },
  { "linktype-ipv4.pcap", ip = 4, udp = 2 },
  { "linktype-ipv6.pcap", tcp = 8, icmp6 = 2 },
  { "bigendian.pcap", ip = 11, tcp = 8 },
  { "one-if.pcapng", ip = 11, tcp = 8 },
  { "several-if.pcapng", ip = 9, udp = 9, icmp6 = 6 },
  { "snaplen68.pcap", ip = 24 },
  { "ipv4-options.pcap", ip = 18 },
}

for _, e in ipairs(expect) do
  T.case(e[1], function()
    local n = compare(dir .. "/" .. e[1])
    local c = { ip = n.ip, bad = n.bad }
    for proto, name in pairs(NAMES) do c[name] = n[proto] end
    print(string.format("%-38s ip %5d  tcp %5d  udp %4d  icmp %3d  icmp6 %3d  bad %d",
                        e[1], c.ip, c.tcp, c.udp, c.icmp, c.icmp6, c.bad))
    for _, k in ipairs{ "ip", "tcp", "udp", "icmp", "icmp6", "bad" } do
      if e[k] then T.ok(c[k] >= e[k], e[1] .. ": too few verdicts: " .. k) end
    end
  end)
end

os.exit(T.summary())
