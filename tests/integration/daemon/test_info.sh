#!/usr/bin/env bash
# The info object: linktype and l3 for every link type pktlua knows, and
# len/caplen/sec/nsec against tshark and tcpdump.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)

# capture -> "LINKTYPE:l3 ..." expected: the IP header offsets are fixed by
# the link layer (14 Ethernet, +4 per VLAN tag, 16 SLL, 20 SLL2, 4 NULL,
# 0 raw), plus 1 for Lua's 1-based index; non-IP packets have l3 nil.
expect () {
  local f=$CAPS/$1 want=$2 got
  got=$("$PKTLUA" -q -r "$f" -e '
    local seen = {}
    function packet(p, i) seen[i.linktype .. ":" .. tostring(i.l3)] = true end
    function finish()
      local t = {} for k in pairs(seen) do t[#t + 1] = k end
      table.sort(t) print(table.concat(t, " "))
    end')
  check "$1: linktype:l3 = $want (got $got)" test "$got" = "$want"
}
if [ "$CORPUS" = shared ]; then
  expect zeek-ftp-cwd-navigation.pcap "1:15"
  expect zeek-http-vlan.pcap "1:19"
  expect zeek-http-qinq.pcap "1:23"
  expect tcpdump-tcp-handshake-nano-sll.pcap "113:17"
  expect zeek-linux-sll2.pcap "276:21 276:nil"
  expect tcpdump-ikev2-null.pcap "0:5"
  expect tcpdump-linktype-raw-ipv4.pcap "101:1"
  expect tcpdump-linktype-ipv4.pcap "228:1"
  expect tcpreplay-test.pcap "1:15 1:19 1:23 1:nil"  # MPLS: 1 and 2 labels
  expect zeek-trunc-hdr.pcap "1:nil"
  l3files="tcpreplay-test.pcap zeek-linux-sll2.pcap zeek-http-qinq.pcap tcpdump-ikev2-null.pcap"
  lenfiles="zeek-truncated-header.pcap tcpdump-tcp-handshake-nano-sll.pcap tcpreplay-test.pcap"
else
  expect tcp-long.pcap "1:15"
  expect vlan.pcap "1:19"
  expect qinq.pcap "1:23"
  expect sll-nano.pcap "113:17 113:nil"
  expect sll2.pcap "276:21 276:nil"
  expect null.pcap "0:5"
  expect loop.pcap "108:5"
  expect raw.pcap "101:1"
  expect linktype-ipv4.pcap "228:1"
  expect linktype-ipv6.pcap "229:1"
  expect eth-mixed.pcap "1:15 1:19 1:23 1:nil"  # MPLS: 1 and 2 labels
  expect snaplen1.pcap "1:nil"
  l3files="eth-mixed.pcap sll2.pcap sll-nano.pcap qinq.pcap null.pcap loop.pcap raw.pcap"
  lenfiles="snaplen68.pcap sll-nano.pcap eth-mixed.pcap ip-cut.pcap several-if.pcapng"
fi

# where l3 says IP, the byte there is an IPv4/IPv6 version nibble, and
# non-IP packets (ARP, LLC in the mixed capture; ARP in sll2) are exactly
# the ones where tshark sees no IP right after the link layer (and the
# VLAN tags, PPPoE, MPLS labels the finder goes through)
for f in $l3files; do
  "$PKTLUA" -q -r "$CAPS/$f" -e '
    function packet(p, i)
      if i.l3 then
        local v = p:get(i.l3) >> 4
        print(v == 4 and "ip" or v == 6 and "ipv6" or "bad" .. v)
      else print("-") end
    end' > "$TMP/l3.txt"
  tshark -r "$CAPS/$f" -T fields -e frame.protocols 2>/dev/null |
    awk -v link="$IP_LINK_RE" '{ sub("^" link, "") }
         /^ipv6(:|$)/ {print "ipv6"; next} /^ip(:|$)/ {print "ip"; next} {print "-"}' > "$TMP/ts.txt"
  check "$f: l3 points at the IP header tshark finds" cmp -s "$TMP/l3.txt" "$TMP/ts.txt"
  "$PKTLUA" -q -r "$CAPS/$f" -e '
    function packet(p, i)
      local v = i.ipversion
      assert(v == 4 or v == 6 or v == false, "ipversion " .. tostring(v))
      assert((v ~= false) == (i.l3 ~= nil) or (i.l3 and p:get(i.l3) >> 4 ~= v))
      print(v == 4 and "ip" or v == 6 and "ipv6" or "-")
    end' > "$TMP/ipv.txt"
  check "$f: ipversion is the version tshark decodes" cmp -s "$TMP/ipv.txt" "$TMP/ts.txt"
done

# len, caplen, sec, nsec
for f in $lenfiles; do
  "$PKTLUA" -q -r "$CAPS/$f" -e '
    function packet(p, i)
      assert(#p == i.caplen)
      print(i.len, i.caplen, string.format("%d.%09d", i.sec, i.nsec))
    end' > "$TMP/info.txt"
  paste <(tshark -r "$CAPS/$f" -T fields -e frame.len -e frame.cap_len 2>/dev/null) \
        <(tcpdump -n -S -tt --nano -r "$CAPS/$f" 2>/dev/null | awk '/^[0-9]+\.[0-9]+ / {print $1}') > "$TMP/oracle.txt"
  check "$f: len, caplen, sec.nsec match tshark/tcpdump" cmp -s "$TMP/info.txt" "$TMP/oracle.txt"
done

# the same info table every packet, updated in place
"$PKTLUA" -q -r "$CAP_MIXED" -e '
  local first, same = nil, true
  function packet(p, i) first = first or i; same = same and rawequal(first, i) end
  function finish() print(same) end' > "$TMP/same.txt"
check "info is one reused table" test "$(cat "$TMP/same.txt")" = true
"$PKTLUA" -q -r "$CAP_MIXED" -e '
  local memory = require "memory"
  local first, same = nil, true
  function packet(p, i) first = first or p; same = same and rawequal(first, p) end
  function finish() print(same, memory.type(first), #first) end' > "$TMP/same.txt"
check "pkt is one reused memory, empty after the last packet" \
  test "$(cat "$TMP/same.txt")" = "$(printf 'true\tother\t0')"
finish
