#!/usr/bin/env bash
# lua/examples/reply.lua: answers ping and ARP. From a capture: each echo
# request becomes its reply (addresses swapped, type 0, checksums good as
# tshark checks them), each ARP request for addr= its ARP reply (to the
# asker, from mac=, or from 02:00 and the address), nothing else is
# written. On the wire (root): namespace A pings 10.77.0.2 over a veth
# pair with no neighbour entry; no host has that address; pktlua in
# namespace B (-i rb -o rb) answers A's ARP request and then its pings;
# 10.77.0.3 (not addr=) gets neither. No address outside the namespaces.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need tshark tcpdump
TMP=$(tmp)
LAST_ERR=$TMP/err
REPLY=$EXAMPLES/reply.lua
in=$CAPTURES/ipv4.pcap

run_pktlua -r "$in" -f "$REPLY" -w "$TMP/r.pcap"
check "capture: exit 0" test $? -eq 0
tshark -r "$in" -Y 'icmp.type == 8' -T fields -e ip.src -e ip.dst -e icmp.ident -e icmp.seq 2>/dev/null |
  awk -F'\t' -v OFS='\t' '{ print $2, $1, $3, $4, 0, 64, 1, 1 }' > "$TMP/want"
tshark -r "$TMP/r.pcap" -o ip.check_checksum:TRUE -T fields -e ip.src -e ip.dst -e icmp.ident \
  -e icmp.seq -e icmp.type -e ip.ttl -e ip.checksum.status -e icmp.checksum.status 2>/dev/null > "$TMP/got"
check "capture: some requests ($(wc -l < "$TMP/want"))" test -s "$TMP/want"
same "capture: one reply per request, addresses swapped, TTL 64, good checksums" "$TMP/want" "$TMP/got"
run_pktlua -r "$in" -f "$REPLY" -a addr=192.0.2.1 -w "$TMP/r.pcap"
check "addr=192.0.2.1: only the request to it" \
  test "$(tshark -r "$TMP/r.pcap" -T fields -e ip.src 2>/dev/null)" = 192.0.2.1
run_pktlua -r "$in" -f "$REPLY" -a addr=1.2.3 -w "$TMP/r.pcap"; rc=$?
check "addr=1.2.3: exit 2" test $rc -eq 2 -a -n "$(grep 'not an IPv4 address' "$TMP/err")"
run_pktlua -r "$in" -f "$REPLY" -a addr=10.2.0.1 -a mac=02:00:5e:10 -w "$TMP/r.pcap"; rc=$?
check "mac=02:00:5e:10: exit 2" test $rc -eq 2 -a -n "$(grep 'not a MAC address' "$TMP/err")"

# ARP: the generated mixed capture asks for 10.2.0.1 (a request other
# captures cannot be counted on to hold)
arpin=$GENERATED/eth-mixed.pcap
arp_fields() {
  tshark -r "$1" -Y "arp.opcode == $2" -T fields -e eth.src -e eth.dst -e arp.opcode \
    -e arp.src.hw_mac -e arp.src.proto_ipv4 -e arp.dst.hw_mac -e arp.dst.proto_ipv4 2>/dev/null
}
# want_arp MAC: the replies to the requests for 10.2.0.1, worked out from
# tshark's view of the requests
want_arp() {
  arp_fields "$arpin" 1 | awk -F'\t' -v OFS='\t' -v mac="$1" \
    '$7 == "10.2.0.1" { print mac, $1, 2, mac, "10.2.0.1", $4, $5 }'
}
for mac in 02:00:5e:10:00:02 ""; do
  if [ -n "$mac" ]; then
    run_pktlua -r "$arpin" -f "$REPLY" -a addr=10.2.0.1 -a mac=$mac -w "$TMP/r.pcap"
  else
    mac=02:00:0a:02:00:01
    run_pktlua -r "$arpin" -f "$REPLY" -a addr=10.2.0.1 -w "$TMP/r.pcap"
  fi
  check "ARP, mac $mac: exit 0" test $? -eq 0
  want_arp "$mac" > "$TMP/want"
  arp_fields "$TMP/r.pcap" 2 > "$TMP/got"
  check "ARP, mac $mac: a request to answer ($(wc -l < "$TMP/want"))" test -s "$TMP/want"
  same "ARP, mac $mac: one reply per request, to the asker, from the MAC" "$TMP/want" "$TMP/got"
done
check "ARP: nothing else than the replies and the echo replies" \
  test "$(tshark -r "$TMP/r.pcap" -Y 'not (arp.opcode == 2 or icmp.type == 0)' 2>/dev/null | wc -l)" -eq 0
run_pktlua -r "$arpin" -f "$REPLY" -a addr=10.2.0.2 -w "$TMP/r.pcap"
check "ARP: a request for another address is not answered" \
  test "$(arp_fields "$TMP/r.pcap" 2 | wc -l)" -eq 0
run_pktlua -r "$arpin" -f "$REPLY" -w "$TMP/r.pcap"
check "ARP: none answered without addr=" test "$(arp_fields "$TMP/r.pcap" 2 | wc -l)" -eq 0

need_root
need ip ping
ns=pktlua-reply-$$
A=$ns-a B=$ns-b
netns "$A"; netns "$B"
ip link add ra netns "$A" type veth peer name rb netns "$B" || die "cannot create a veth pair"
ip -n "$A" addr add 10.77.0.1/24 dev ra
ip -n "$A" link set ra up
ip -n "$B" link set rb up
# no host owns .2 and .3, and A has no neighbour entry for them: it has
# to ask by ARP, and only reply.lua answers
check "A starts with no neighbour entry" test -z "$(ip -n "$A" neigh show dev ra)"
# the script's chunk marks that the capture is open
cat > "$TMP/wrap.lua" <<LUA
dofile("$REPLY")
io.open("$TMP/ready", "w"):close()
LUA
ip netns exec "$B" "$PKTLUA" -i rb -o rb -f "$TMP/wrap.lua" -a addr=10.77.0.2 2>"$TMP/perr" & pid=$!
wait_for "$TMP/ready" || die "pktlua did not start: $(cat "$TMP/perr")"
ip netns exec "$A" ping -n -c 3 -i 0.2 -W 2 10.77.0.2 > "$TMP/ping" 2>&1
check "ping 10.77.0.2: answered ($(grep 'packets transmitted' "$TMP/ping"))" \
  grep -q '3 packets transmitted, 3 received' "$TMP/ping"
neigh=$(ip -n "$A" neigh show 10.77.0.2 dev ra)
check "A learnt 10.77.0.2's MAC from the ARP reply ($neigh)" \
  grep -q 'lladdr 02:00:0a:4d:00:02 ' <<< "$neigh "
ip netns exec "$A" ping -n -c 2 -i 0.2 -W 1 10.77.0.3 > "$TMP/ping" 2>&1
check "ping 10.77.0.3: not answered" grep -q '2 packets transmitted, 0 received' "$TMP/ping"
check "no MAC learnt for 10.77.0.3" \
  test -z "$(ip -n "$A" neigh show 10.77.0.3 dev ra | grep lladdr)"
kill -INT $pid; wait $pid; rc=$?
check "pktlua: exit 0 on SIGINT ($rc)" test $rc -eq 0
summary=$(grep '^reply.lua' "$TMP/perr")
check "pktlua: 3 echo and some ARP requests answered ($summary)" \
  grep -Eq '^reply.lua: 3 echo requests and [1-9][0-9]* ARP requests answered' <<< "$summary"
arps=$(sed -n 's/.* and \([0-9]*\) ARP.*/\1/p' <<< "$summary")
check "pktlua: each answer emitted, nothing passed" \
  grep -q "^pktlua: $((3 + ${arps:-0})) packets emitted by the script" "$TMP/perr"
finish
