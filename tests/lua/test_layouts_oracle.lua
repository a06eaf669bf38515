-- test_layouts_oracle: every packet of the captures, decoded through
-- layouts/ (and verified with the checksum module), equals what tshark
-- decodes for the same packet. Runs over the generated corpus (build/corpus,
-- pktgen --corpus), or with PKTLUA_CORPUS=shared over the real captures in
-- ../shared/captures/ (skipped, exit 77, when that folder is absent).
local T = require "testlib"
local corpus = require "tests.layouts.corpus"
local dir, shared = corpus.dir()

local oracle = require "tests.layouts.oracle"

-- the captures, and fields each must have compared at least once (so a
-- decoding slip that silently skips everything cannot pass)
local captures = shared and {
  ["tcpreplay-test.pcap"] = { "eth.type", "eth.len", "ip.ttl", "tcp.seq_raw", "udp.checksum",
                              "icmp.checksum", "ipv6.src", "arp.opcode",
                              "ip.checksum.status", "tcp.checksum.status" },
  ["zeek-ftp-cwd-navigation.pcap"] = { "tcp.flags.syn", "tcp.checksum.status" },
  ["tcpdump-afs-fragments.pcap"] = { "ip.frag_offset", "udp.srcport",
                                     "udp.checksum.status" },
  ["zeek-ip4-bad-chksum.pcap"] = { "ip.checksum.status", "ip.checksum_calculated" },
  ["zeek-ip4-tcp-bad-chksum.pcap"] = { "tcp.checksum.status",
                                       "tcp.checksum_calculated" },
  ["zeek-ip4-tcp-good-chksum.pcap"] = { "tcp.checksum.status" },
  ["zeek-ip4-udp-bad-chksum.pcap"] = { "udp.checksum.status",
                                       "udp.checksum_calculated" },
  ["zeek-ip4-udp-good-chksum.pcap"] = { "udp.checksum.status" },
  ["zeek-ip4-icmp-bad-chksum.pcap"] = { "icmp.checksum.status" },
  ["zeek-ip4-icmp-good-chksum.pcap"] = { "icmp.checksum.status" },
  ["zeek-http-vlan.pcap"] = { "vlan.id", "tcp.srcport" },
  ["zeek-http-qinq.pcap"] = { "vlan.id", "tcp.srcport" },
  ["zeek-truncated-header.pcap"] = { "ip.src" },
  ["zeek-ip4-trunc.pcap"] = { "eth.type" },
  ["zeek-trunc-hdr.pcap"] = {},
  ["tcpdump-ospfv2.pcapng"] = { "ip.proto", "ip.checksum.status" },
  ["tcpdump-empty.pcapng"] = {},
  ["tcpdump-tcp-handshake-nano-sll.pcap"] = { "sll.etype", "tcp.flags.syn" },
  ["zeek-linux-sll2.pcap"] = { "sll.ifindex", "icmp.type", "icmpv6.type",
                               "arp.opcode", "ipv6.flow" },
  ["tcpdump-linktype-raw-ipv4.pcap"] = { "ip.src" },
  ["tcpdump-linktype-ipv4.pcap"] = { "ip.src" },
  ["tcpdump-ikev2-null.pcap"] = { "udp.srcport", "ip.checksum.status" },
  ["tcpdump-pptp-bigendian.pcap"] = { "ip.src" },
  ["tcpdump-igmp-v1-ipoptions.pcap"] = { "ip.hdr_len" },
  ["zeek-ldap-mixed-linktypes.pcapng"] = { "ipv6.src", "vlan.id",
                                           "tcp.checksum.status" },
} or {
  ["eth-mixed.pcap"] = { "eth.type", "eth.len", "ip.ttl", "tcp.seq_raw", "udp.checksum",
                         "icmp.checksum", "ipv6.src", "arp.opcode",
                         "ip.checksum.status", "tcp.checksum.status" },
  ["tcp-long.pcap"] = { "tcp.flags.syn", "tcp.checksum.status" },
  ["ipv4-fragments.pcap"] = { "ip.frag_offset", "udp.srcport", "udp.checksum.status" },
  ["ipv4-bad-cksum.pcap"] = { "ip.checksum.status", "ip.checksum_calculated" },
  ["tcp-bad-cksum.pcap"] = { "tcp.checksum.status", "tcp.checksum_calculated" },
  ["tcp-good-cksum.pcap"] = { "tcp.checksum.status" },
  ["udp-bad-cksum.pcap"] = { "udp.checksum.status", "udp.checksum_calculated" },
  ["udp-good-cksum.pcap"] = { "udp.checksum.status" },
  ["icmp-bad-cksum.pcap"] = { "icmp.checksum.status" },
  ["icmp-good-cksum.pcap"] = { "icmp.checksum.status" },
  ["icmp6-bad-cksum.pcap"] = { "icmpv6.type" },
  ["icmp6-good-cksum.pcap"] = { "icmpv6.type" },
  ["vlan.pcap"] = { "vlan.id", "tcp.srcport" },
  ["qinq.pcap"] = { "ieee8021ad.id", "ieee8021ah.etype", "vlan.id", "tcp.srcport" },
  ["snaplen68.pcap"] = { "ip.src" },
  ["ip-cut.pcap"] = { "eth.type" },
  ["snaplen1.pcap"] = {},
  ["one-if.pcapng"] = { "ip.proto", "ip.checksum.status" },
  ["several-if.pcapng"] = { "udp.srcport", "ipv6.src" },
  ["empty.pcapng"] = {},
  ["sll-nano.pcap"] = { "sll.etype", "tcp.flags.syn" },
  ["sll2.pcap"] = { "sll.ifindex", "icmp.type", "icmpv6.type", "arp.opcode", "ipv6.flow" },
  ["null.pcap"] = { "udp.srcport", "ip.checksum.status", "ipv6.src" },
  ["loop.pcap"] = { "udp.srcport", "ipv6.src" },
  ["raw.pcap"] = { "ip.src", "ipv6.src" },
  ["linktype-ipv4.pcap"] = { "ip.src" },
  ["linktype-ipv6.pcap"] = { "ipv6.src", "tcp.srcport" },
  ["bigendian.pcap"] = { "ip.src" },
  ["ipv4-options.pcap"] = { "ip.hdr_len" },
  ["mixed-links.pcapng"] = { "ipv6.src", "ip.src", "tcp.checksum.status" },
}

local names = {}
for name in pairs(captures) do names[#names + 1] = name end
table.sort(names)

local total = 0
for _, name in ipairs(names) do
  T.case(name, function()
    local stats, mismatches, packets = oracle.compare(dir .. "/" .. name)
    local n = 0
    for _, c in pairs(stats) do n = n + c end
    total = total + n
    print(string.format("%-38s %6d packets %8d values compared", name, packets, n))
    for _, f in ipairs(captures[name]) do
      T.ok((stats[f] or 0) > 0, name .. ": no value of " .. f .. " compared")
    end
    if #mismatches > 0 then
      error(#mismatches .. " mismatches, first ones:\n  "
            .. table.concat(mismatches, "\n  ", 1, math.min(#mismatches, 15)))
    end
  end)
end
print("total values compared: " .. total)

os.exit(T.summary())
