#!/usr/bin/env bash
# lua/examples/reply.lua: answers ping. From a capture: each echo request
# becomes its reply (addresses swapped, type 0, checksums good as tshark
# checks them), nothing else is written. On the wire (root): namespace A
# pings 10.77.0.2 over a veth pair; no host has that address; pktlua in
# namespace B (-i rb -o rb) answers, so ping gets its replies; 10.77.0.3
# (not addr=) gets none. No address outside the two namespaces.
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

need_root
need ip ping
ns=pktlua-reply-$$
A=$ns-a B=$ns-b
ip netns add "$A" || skip_root "cannot create a network namespace"
ip netns add "$B" || { ip netns del "$A"; skip_root "cannot create a network namespace"; }
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null; rm -rf -- "$_tmpbase"' EXIT
ip link add ra netns "$A" type veth peer name rb netns "$B" || die "cannot create a veth pair"
ip -n "$A" addr add 10.77.0.1/24 dev ra
ip -n "$A" link set ra up
ip -n "$B" link set rb up
mac=$(ip -n "$B" link show rb | awk '/link\/ether/ { print $2 }')
# no host owns .2 and .3: A is told their MAC (reply.lua does not do ARP)
ip -n "$A" neigh add 10.77.0.2 lladdr "$mac" dev ra nud permanent
ip -n "$A" neigh add 10.77.0.3 lladdr "$mac" dev ra nud permanent
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
ip netns exec "$A" ping -n -c 2 -i 0.2 -W 1 10.77.0.3 > "$TMP/ping" 2>&1
check "ping 10.77.0.3: not answered" grep -q '2 packets transmitted, 0 received' "$TMP/ping"
kill -INT $pid; wait $pid; rc=$?; pid=
check "pktlua: exit 0 on SIGINT ($rc)" test $rc -eq 0
check "pktlua: 3 answered ($(grep '^reply.lua' "$TMP/perr"))" grep -q '^reply.lua: 3 echo requests answered' "$TMP/perr"
check "pktlua: 3 emitted, nothing passed" grep -q '^pktlua: 3 packets emitted by the script' "$TMP/perr"
finish
