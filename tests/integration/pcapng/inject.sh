#!/usr/bin/env bash
# -o NAME=IFACE: injection outputs routed by the script's verdict like the
# -w NAME=FILE ones, files and interfaces mixed, an output with both, and
# pktlua.emit to an interface. Two veth pairs between two network
# namespaces the test creates and removes (root; no address outside
# them); tcpdump on the far ends counts what each interface sent. Usage
# errors first (no root needed).
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
need tcpdump
TMP=$(tmp)
LAST_ERR=$TMP/err
"$PKTGEN" --udp64 30 -w "$TMP/in.pcap" || die "pktgen failed"

run_pktlua -r "$TMP/in.pcap" -o a=; rc=$?
check "-o a=: exit 2" test $rc -eq 2 -a -n "$(grep 'empty interface name' "$TMP/err")"
run_pktlua -r "$TMP/in.pcap" -o a=x0 -o a=x1; rc=$?
check "one name, two interfaces: exit 2" test $rc -eq 2 -a -n "$(grep "output 'a' is already x0" "$TMP/err")"
run_pktlua -r "$TMP/in.pcap" -o x0 -o default=x1; rc=$?
check "-o IFACE and -o default=IFACE: exit 2" test $rc -eq 2
run_pktlua -r "$TMP/in.pcap" -w a="$TMP/a.pcap" -o a=pktlua-none0; rc=$?
check "an interface that is not there: exit 1" test $rc -eq 1 -a -n "$(grep 'pktlua-none0' "$TMP/err")"

need_root
need ip
ns=pktlua-inject-$$
A=$ns-a B=$ns-b
ip netns add "$A" || skip_root "cannot create a network namespace"
ip netns add "$B" || { ip netns del "$A"; skip_root "cannot create a network namespace"; }
trap 'ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null; rm -rf -- "$_tmpbase"' EXIT
for i in 0 1; do
  ip link add ija$i netns "$A" type veth peer name ijb$i netns "$B" || die "cannot create a veth pair"
  ip -n "$A" link set ija$i up
  ip -n "$B" link set ijb$i up
done
# listen IFACE OUT: tcpdump on IFACE in B, its pid in $!
listen() {
  : > "$2.err"
  ip netns exec "$B" tcpdump -i "$1" -n -U -p --immediate-mode -w "$2" udp 2>"$2.err" &
  wait_grep "$2.err" "listening on"
}
listen ijb0 "$TMP/b0.pcap"; t0=$!
listen ijb1 "$TMP/b1.pcap"; t1=$!
# n % 3: 1 to x (ija0), 2 to y (ija1) and the file f, 0 to default (a
# file); every 5th packet also emitted to y
ip netns exec "$A" "$PKTLUA" --stats=json -r "$TMP/in.pcap" -w "$TMP/d.pcap" \
  -o x=ija0 -o y=ija1 -w y="$TMP/y.pcap" -e '
  local n = 0
  function packet (pkt)
    n = n + 1
    if n % 5 == 0 then pktlua.emit(pkt, "y") end
    if n % 3 == 1 then return "x" end
    if n % 3 == 2 then return "y" end
    return true
  end' 2>"$TMP/err"
rc=$?
sleep 0.3
kill -INT $t0 $t1; wait $t0 $t1
check "routed run: exit 0 ($(grep -v '^{' "$TMP/err"))" test $rc -eq 0
check "x: ija0 sent the 10 packets n % 3 == 1 ($(count "$TMP/b0.pcap"))" test "$(count "$TMP/b0.pcap")" -eq 10
check "y: ija1 sent 10 routed and 6 emitted ($(count "$TMP/b1.pcap"))" test "$(count "$TMP/b1.pcap")" -eq 16
check "y: its file has the same 16" test "$(count "$TMP/y.pcap")" -eq 16
check "default: its file has the other 10" test "$(count "$TMP/d.pcap")" -eq 10
check "injected: 26 sent on the two interfaces" test "$(jsonfield "$TMP/err" sent)" -eq 26
outs=$(grep -o '"outputs":{[^}]*}' "$TMP/err")
check "stats per output ($outs)" test "$outs" = '"outputs":{"default":10,"x":10,"y":16}'
# the very packets: ija1 sent what the y file holds, in order
tcpdump -n -r "$TMP/y.pcap" -x 2>/dev/null | grep -v '^[0-9]' > "$TMP/want"
tcpdump -n -r "$TMP/b1.pcap" -x 2>/dev/null | grep -v '^[0-9]' > "$TMP/got"
same "y: the interface sent the bytes the file holds" "$TMP/want" "$TMP/got"
finish
