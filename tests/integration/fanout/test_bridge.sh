#!/usr/bin/env bash
# -i with --workers 2 and -o (issue 17): a bridge run by two workers. In a
# network namespace, flows of UDP both ways (flows.lua) go into one veth
# pair; pktlua captures its far end with two workers in a PACKET_FANOUT
# group and injects every packet into a second pair, at whose far end
# tcpdump counts what arrives: every packet sent arrives exactly once,
# unchanged, each flow in its order, and both workers carried some.
# Needs root.
. "$(dirname "$0")/common.sh"
veth bi0 bi1
veth bo0 bo1

# each packet's bytes in hex, one line each, sorted (order aside)
frames() { tcpdump -n -r "$1" -xx 2>/dev/null | awk '
  /^[0-9]/ { if (f != "") print f; f = ""; next } { $1 = ""; f = f $0 }
  END { if (f != "") print f }' | tr -d ' ' | sort; }

# bridge MODE RATE: $N flows.pcap packets through two workers, counted at bo1
bridge() {
  local mode=$1 rate=$2 pid td rc i
  rm -f "$t/got.pcap"; : >"$t/err"; : >"$t/td.err"  # the last run's lines gone
  # buffered (immediate mode's ring holds ~60 frames on a veth and drops
  # bursts), each packet flushed to the file as it is read (-U)
  ip netns exec "$NS" tcpdump -i bo1 -n -U -w "$t/got.pcap" udp 2>"$t/td.err" &
  td=$!
  ip netns exec "$NS" "$PKTLUA" -v -i bi1 --workers 2 --fanout="$mode" \
    --stats=json -o bo0 -f "$here/state.lua" udp >"$t/lines" 2>"$t/err" &
  pid=$!
  wait_for "$t/err" 'bi1: immediate mode' 2 && wait_for "$t/td.err" 'listening on' 1
  ip netns exec "$NS" "$PKTLUA" -q -r "$t/flows.pcap" -o bi0 --pps "$rate"
  sleep 0.5
  kill -TERM $pid; wait $pid; rc=$?
  # the ring's last block reaches tcpdump within its 1 s timeout
  for i in $(seq 60); do [ "$(count "$t/got.pcap")" -ge $N ] && break; sleep 0.05; done
  kill -INT $td; wait $td
  check "$mode: exit 0 after SIGTERM ($rc)" [ "$rc" = 0 ]
  check "$mode: two workers in a $mode group" grep -q "fanout group [0-9]* ($mode)" "$t/err"
  check "$mode: read $N, injected $N" \
    [ "$(total "$t/err" read)" = $N -a "$(total "$t/err" sent)" = $N ]
  check "$mode: both workers carried packets" \
    [ "$(grep '^[12] ' "$t/lines" | awk '{print $1}' | sort -u | wc -l)" = 2 ]
  check "$mode: $N packets arrived at bo1 ($(count "$t/got.pcap"); tcpdump: $(grep -h 'dropped by' "$t/td.err" | tr '\n' ' '))" \
    [ "$(count "$t/got.pcap")" = $N ]
  flowseq "$t/got.pcap" >"$t/fs"
  check "$mode: every packet sent arrived exactly once" \
    [ "$(sort -u "$t/fs" | wc -l)" = $N -a "$(wc -l < "$t/fs")" = $N ]
  check "$mode: the packets arrived unchanged" \
    cmp -s <(frames "$t/flows.pcap") <(frames "$t/got.pcap")
}

# hash: each flow on one worker, so its packets arrive in their order
bridge hash 4000
check "hash: each flow's packets arrived in their order" \
  awk '{ if (($1 in last) && $2 <= last[$1]) exit 1; last[$1] = $2 }' "$t/fs"
check "hash: a flow (both ways) on one worker" \
  [ "$(grep '^[12] ' "$t/lines" | sort -u | awk '{print $2}' | sort | uniq -d | wc -l)" = 0 ]
check "hash: merge saw $FLOWS flows, none out of order" \
  grep -qx "flows $FLOWS disorder 0" "$t/lines"
# lb: no flow affinity, the workers take turns; still each packet once
bridge lb 4000
finish
