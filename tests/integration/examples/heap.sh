#!/usr/bin/env bash
# The examples allocate nothing per packet: with the collector stopped, the
# Lua heap does not grow after the first 1000 packets (tests/.../heap.lua).
# Workloads: 200,000 generated 64-byte UDP frames (1 in 8 DNS), and
# captures/ipv4.pcap concatenated 400 times (repeated addresses: the
# caches of anonymize.lua and the talker table of stats.lua are full by then).
. "$(dirname "$0")/../lib.sh"
need mergecap
need_pktlua
need_pktgen
t=$(tmp)
LAST_ERR=$t/err
"$PKTGEN" --udp64 200000 -w "$t/udp.pcap" || die "pktgen"
reps=(); for i in $(seq 400); do reps+=("$CAPTURES/ipv4.pcap" "$CAPTURES/vlan.pcap" "$CAPTURES/ipv6.pcap"); done
mergecap -a -F pcap -w "$t/rep.pcap" "${reps[@]}" || die "mergecap"

# heap NAME CAPTURE SCRIPT ARGS...
heap() {
  local name=$1 cap=$2 script=$3; shift 3
  if ! EXAMPLE=$EXAMPLES/$script run_pktlua -r "$cap" -w /dev/null \
       -f "$(dirname "$0")/heap.lua" "$@"; then
    bad "$name: run failed: $(cat "$LAST_ERR")"; return
  fi
  local g; g=$(sed -nE 's/^heap: ([0-9]+) packets, growth after 1000: (-?[0-9]+) bytes$/\1 \2/p' "$LAST_ERR")
  check "$name: heap growth after 1000 packets is 0 (packets, bytes: $g)" [ "${g#* }" = 0 ] && [ "${g%% *}" -gt 1000 ]
}

for cap in udp rep; do
  heap "ttl.lua $cap" "$t/$cap.pcap" ttl.lua -a quiet=1
  heap "filter.lua $cap" "$t/$cap.pcap" filter.lua
  heap "filter.lua expr $cap" "$t/$cap.pcap" filter.lua -a 'expr=ttl < 30 or dport == 53'
  heap "nat.lua $cap" "$t/$cap.pcap" nat.lua -a map=10.1.0.0/16:10.99.0.0/16 -a quiet=1
done
heap "anonymize.lua rep" "$t/rep.pcap" anonymize.lua -a quiet=1
heap "stats.lua rep" "$t/rep.pcap" stats.lua -a out=/dev/null
# the length-changing ones: encap.lua's VXLAN and GRE, decap.lua on them,
# sll2eth.lua on the generated SLL2 capture 300 times over
for mode in vxlan gre; do
  heap "encap.lua $mode rep" "$t/rep.pcap" encap.lua -a mode=$mode
  "$PKTLUA" -q -r "$t/rep.pcap" -w "$t/$mode.pcap" -f "$EXAMPLES/encap.lua" -a mode=$mode
  heap "decap.lua $mode rep" "$t/$mode.pcap" decap.lua -a quiet=1
done
reps=(); for i in $(seq 300); do reps+=("$CAPS/sll2.pcap"); done
mergecap -a -F pcap -w "$t/sll2.pcap" "${reps[@]}" || die "mergecap"
heap "sll2eth.lua sll2" "$t/sll2.pcap" sll2eth.lua -a quiet=1
finish
