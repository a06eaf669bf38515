# shellcheck shell=bash
# common.sh - what the live fanout tests share (sourced by test_*.sh, not
# a test): lib.sh, root, a network namespace $NS of their own, $N UDP
# packets of $FLOWS flows both ways in $t/flows.pcap (flows.lua) and
# helpers to read them back. Skips (77) when not root or no namespaces.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
need tcpdump
t=$(tmp)
need_root
here=$(cd "$(dirname "$0")" && pwd)
NS=pktlua-$(basename "$0" .sh)-$$
netns "$NS"
N=2000 FLOWS=64
"$PKTGEN" --udp64 $N -w "$t/base.pcap" >/dev/null || die "pktgen"
"$PKTLUA" -q -r "$t/base.pcap" -w "$t/flows.pcap" -a flows=$FLOWS \
  -f "$here/flows.lua" || die "flows.pcap"

# veth A B: a veth pair in $NS, both ends up
veth() {
  ip -n "$NS" link add "$1" type veth peer name "$2" || die "veth $1 $2"
  ip -n "$NS" link set "$1" up; ip -n "$NS" link set "$2" up
}
# wait_for FILE PATTERN COUNT: COUNT lines of FILE match PATTERN (a
# capture says it is open), within 10 s
wait_for() {
  local i
  for i in $(seq 200); do
    [ "$(grep -c "$2" "$1" 2>/dev/null || :)" -ge "$3" ] 2>/dev/null && return 0
    sleep 0.05
  done
  echo "timeout waiting for $2 in $1"; return 1
}
# "flow seq" of each packet of a capture, in its order (flows.lua's bytes)
flowseq() {
  "$PKTLUA" -q -r "$1" -e 'function packet (p)
    local a, b, c, d = p:get(45, 48)
    print(a << 8 | b, c << 8 | d) end'
}
# a field of the totals of a --stats=json line (not the per-worker ones)
total() { sed 's/,"workers":\[.*//' "$1" | grep -o "\"$2\":[0-9]*" | tail -1 | cut -d: -f2; }
