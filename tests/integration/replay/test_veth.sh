#!/usr/bin/env bash
# Replay on the wire: pktlua -r -o on one end of a veth pair, tcpdump
# (nanosecond timestamps) on the other, each end in a network namespace the
# test creates and removes (root; no address outside them). Checks the
# gaps kept (total duration, order), -x, --pps, --loop, the script
# re-timing, and injection failures by cause (EMSGSIZE over the MTU).
. "$(dirname "$0")/../lib.sh"
need_root
need_pktlua
need_pktgen
need tcpdump ip
TMP=$(tmp)
ns=pktlua-replay-$$
A=$ns-a B=$ns-b
ip netns add "$A" || skip_root "cannot create a network namespace"
ip netns add "$B" || { ip netns del "$A"; skip_root "cannot create a network namespace"; }
cleanup_ns() { ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null; }
trap 'cleanup_ns; rm -rf -- "$_tmpbase"' EXIT
ip link add rpa netns "$A" type veth peer name rpb netns "$B" || die "cannot create a veth pair"
ip -n "$A" link set rpa up
ip -n "$B" link set rpb up

"$PKTGEN" --udp64 11 --gap 100000000 -w "$TMP/1s.pcap"

# onwire OUT ARGS...: pktlua ARGS -o rpa in A, what rpb saw into OUT
onwire() {
  local out=$1; shift
  rm -f "$out"; : > "$TMP/tcpdump.err"
  ip netns exec "$B" tcpdump -i rpb -n -U -p --immediate-mode --time-stamp-precision=nano \
    -w "$out" udp 2>"$TMP/tcpdump.err" &
  local td=$!
  wait_grep "$TMP/tcpdump.err" "listening on"
  ip netns exec "$A" "$PKTLUA" -q -o rpa "$@"
  PKTLUA_RC=$?
  sleep 0.3
  kill -INT $td; wait $td
  [ -n "${VERBOSE:-}" ] && cat "$TMP/tcpdump.err" >&2
}
# span FILE: ms from the first to the last packet
span() {
  tcpdump -r "$1" -n --nano -tt 2>/dev/null |
    awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%d", (b - a) * 1000 }'
}
within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

onwire "$TMP/o.pcap" -r "$TMP/1s.pcap"
check "-r -o: original timing by default: exit 0" test "$PKTLUA_RC" -eq 0
check "-r -o: 11 packets on the wire" test "$(count "$TMP/o.pcap")" -eq 11
s=$(span "$TMP/o.pcap")
check "-r -o: a 1 s capture spans 0.9-1.5 s on the wire ($s ms)" within "$s" 950 1500
# the ip ids pktgen numbered 0..10, in order
ids=$(tcpdump -r "$TMP/o.pcap" -n -v 2>/dev/null | grep -o 'id [0-9]*' | awk '{print $2}' | tr '\n' ' ')
check "-r -o: in order ($ids)" test "$ids" = "0 1 2 3 4 5 6 7 8 9 10 "

onwire "$TMP/o.pcap" -r "$TMP/1s.pcap" -x 2
s=$(span "$TMP/o.pcap")
check "-x 2: about half on the wire ($s ms)" within "$s" 480 900
onwire "$TMP/o.pcap" -r "$TMP/1s.pcap" --pps=20
s=$(span "$TMP/o.pcap")
check "--pps=20: 10 gaps of 50 ms on the wire ($s ms)" within "$s" 480 900
onwire "$TMP/o.pcap" -r "$TMP/1s.pcap" -x 4 --loop=3
check "--loop=3: 33 packets on the wire" test "$(count "$TMP/o.pcap")" -eq 33
s=$(span "$TMP/o.pcap")
check "--loop=3 -x 4: 3 passes and 2 mean gaps, 0.8 s ($s ms)" within "$s" 790 1300
onwire "$TMP/o.pcap" -r "$TMP/1s.pcap" --topspeed
s=$(span "$TMP/o.pcap")
check "--topspeed: at once ($s ms)" within "$s" 0 300
onwire "$TMP/o.pcap" -r "$TMP/1s.pcap" -e '
local n = 0
function packet(pkt, info)   -- 30 ms apart instead of 100
  local t = n * 30000000
  info.sec, info.nsec = 1700000000 + t // 1000000000, t % 1000000000
  n = n + 1
end'
s=$(span "$TMP/o.pcap")
check "re-timed by the script: 0.3 s on the wire ($s ms)" within "$s" 290 700

# frames over the MTU: counted by cause with the first packet, not sent
ip -n "$A" link set rpa mtu 200
"$PKTGEN" --mixed 50 -w "$TMP/mixed.pcap"
# frame lengths: over 214 bytes (MTU 200 and the Ethernet header) fail
tcpdump -r "$TMP/mixed.pcap" -n -e 2>/dev/null |
  awk 'match($0, /length [0-9]+/) { print (substr($0, RSTART + 7, RLENGTH - 7) + 0 > 214) }' > "$TMP/big"
big=$(grep -c 1 "$TMP/big")
first=$(grep -n 1 "$TMP/big" | head -1 | cut -d: -f1)
ip netns exec "$A" "$PKTLUA" -r "$TMP/mixed.pcap" -o rpa --topspeed --stats=json 2>"$TMP/err"
check "EMSGSIZE: counted by cause ($big frames over the MTU)" grep -q "\"msgsize\":$big,\"msgsize_first\":$first," "$TMP/err"
check "EMSGSIZE: not counted as sent" grep -q "\"sent\":$((50 - big))," "$TMP/err"
ip netns exec "$A" "$PKTLUA" -r "$TMP/mixed.pcap" -o rpa --topspeed 2>"$TMP/err"
check "EMSGSIZE: the summary names the cause and the first packet" \
  grep -q "$big packets over the interface's MTU (EMSGSIZE), the first packet $first" "$TMP/err"
finish
