#!/usr/bin/env bash
# Inline mode across veth pairs in a network namespace this test creates
# and removes:  pktlua -r F -o va0  ->  va1: pktlua -i va1 -o vb1 (TTL - 1)
# ->  vb0: tcpdump. The rewritten packets must arrive, checksums valid.
# Needs root (and network namespaces).
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
need_root
NS=pktlua-test-$$
ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
trap 'kill $(jobs -p) 2>/dev/null; ip netns del "$NS" 2>/dev/null; _cleanup' EXIT
in_ns () { ip netns exec "$NS" "$@"; }
# no IPv6 chatter on the new links (procps' sysctl may not be installed)
in_ns sh -c 'for f in all default; do echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6; done' 2>/dev/null
in_ns ip link add va0 type veth peer name va1
in_ns ip link add vb0 type veth peer name vb1
for l in lo va0 va1 vb0 vb1; do in_ns ip link set "$l" up; done

# the IPv4 UDP packets of a real capture (DNS and more)
tcpdump -r "$CAP_MIXED" -w "$TMP/udp.pcap" 'ip and udp and not ip[6:2] & 0x3fff != 0' 2>/dev/null
n=$(count "$TMP/udp.pcap")

in_ns tcpdump -n -i vb0 -U -w "$TMP/got.pcap" -c "$n" udp 2>"$TMP/tcpdump.err" &
tcpdump_pid=$!
in_ns "$PKTLUA" -v -i va1 -o vb1 -c "$n" --stats=json -e '
  local checksum = require "checksum"
  function packet(pkt, info)
    if not info.l3 or pkt:get(info.l3) >> 4 ~= 4 then return true end
    local ttl = info.l3 + 8
    if pkt:get(ttl) <= 1 then return false end
    pkt:set(ttl, pkt:get(ttl) - 1)
    checksum.fixipv4(pkt, info.l3)
  end' udp 2>"$TMP/bridge.err" &
bridge_pid=$!
wait_grep "$TMP/tcpdump.err" "listening on" && wait_grep "$TMP/bridge.err" "va1: live"
sleep 0.2
in_ns "$PKTLUA" -q -r "$TMP/udp.pcap" -o va0; rc=$?
check "inject from a file: exit 0" test $rc -eq 0
for i in $(seq 100); do kill -0 $bridge_pid 2>/dev/null || break; sleep 0.05; done
kill $bridge_pid 2>/dev/null; wait $bridge_pid; rc=$?
for i in $(seq 100); do kill -0 $tcpdump_pid 2>/dev/null || break; sleep 0.05; done
kill $tcpdump_pid 2>/dev/null; wait $tcpdump_pid 2>/dev/null
check "bridge: exit 0 after -c $n" test $rc -eq 0
check "bridge: every packet passed and injected" \
  test "$(jsonfield "$TMP/bridge.err" passed)" -eq "$n" -a "$(jsonfield "$TMP/bridge.err" inject_errors)" -eq 0
check "all $n packets arrive on the far side" test "$(count "$TMP/got.pcap")" -eq "$n"
tshark -r "$TMP/udp.pcap" -T fields -e ip.ttl -e ip.src -e udp.srcport 2>/dev/null |
  awk -F'\t' '{print $1 - 1 "\t" $2 "\t" $3}' > "$TMP/want.txt"
tshark -r "$TMP/got.pcap" -T fields -e ip.ttl -e ip.src -e udp.srcport 2>/dev/null > "$TMP/have.txt"
check "each arrives with its TTL one less" cmp -s "$TMP/want.txt" "$TMP/have.txt"
check "and a valid IPv4 header checksum (tcpdump -v)" \
  test "$(tcpdump -v -n -r "$TMP/got.pcap" 2>/dev/null | grep -c 'bad cksum')" -eq 0

# frames must fit the output interface's link layer
in_ns "$PKTLUA" -r "$CAP_SLL_NANO" -o va0 2>"$TMP/err"; rc=$?
check "-o refuses frames of another link type" test $rc -eq 1 -a -n "$(grep 'cannot inject' "$TMP/err")"
in_ns "$PKTLUA" -r "$TMP/udp.pcap" -o nosuch0 2>"$TMP/err"; rc=$?
check "-o unknown interface: exit 1, no such device" test $rc -eq 1 -a -n "$(grep 'no such device' "$TMP/err")"
finish
