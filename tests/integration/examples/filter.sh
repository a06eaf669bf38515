#!/usr/bin/env bash
# filter.lua: over every capture, exactly the packets tcpdump's BPF filter
# selects, with the same bytes and timestamps (tcpdump -tt -xx listings).
# Default (DNS) against 'udp port 53'; -a proto/port, -a expr and -a invert
# against the equivalent BPF expressions.
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# listing FILE: every packet's timestamp, summary and bytes
listing() { tcpdump -nn -tt -xx -r "$1" 2>/dev/null; }

# compare NAME CAPTURE BPF [filter.lua args...]
compare() {
  local name=$1 f=$2 bpf=$3; shift 3
  if ! run_pktlua -r "$f" -w "$t/lua.pcap" -f "$EXAMPLES/filter.lua" "$@"; then
    bad "$name: filter.lua $* failed: $(cat "$LAST_ERR")"; return
  fi
  if ! tcpdump -r "$f" -w - "$bpf" 2>/dev/null >"$t/bpf.pcap"; then
    bad "$name: tcpdump '$bpf' failed"; return
  fi
  listing "$t/lua.pcap" >"$t/lua.txt"
  listing "$t/bpf.pcap" >"$t/bpf.txt"
  same "$name: filter.lua $* = tcpdump '$bpf' ($(grep -c '^[0-9]' "$t/bpf.txt") packets)" \
    "$t/bpf.txt" "$t/lua.txt"
  selected=$((selected + $(grep -c '^[0-9]' "$t/bpf.txt")))
}

selected=0
for f in $(captures); do
  name=$(basename "$f")
  # filter.lua sees through VLAN tags, MPLS labels and PPPoE; a BPF filter
  # needs the vlan, mpls or pppoes keyword (which shifts the offsets of
  # what follows: the plain case first; a capture of the corpus has one)
  has() { [ "$(tcpdump -nn -r "$f" "$1" 2>/dev/null | wc -l)" -gt 0 ]; }
  if has vlan; then
    tagged() { echo "$1 or (vlan and ($1 or (vlan and $1)))"; }
  elif has mpls; then
    tagged() { echo "$1 or (mpls and ($1 or (mpls and ($1 or (mpls and $1)))))"; }
  elif has pppoes; then
    tagged() { echo "$1 or (pppoes and ($1))"; }
  else
    tagged() { echo "$1"; }
  fi
  compare "$name" "$f" "$(tagged 'udp port 53')"
  cp "$t/bpf.pcap" "$t/bpf0.pcap"
  compare "$name" "$f" "$(tagged 'tcp port 80')" -a proto=tcp -a port=80
  compare "$name" "$f" "$(tagged 'icmp or icmp6')" -a expr='proto == 1 or proto == 58'
  compare "$name" "$f" "$(tagged 'ip[8] < 64 or ip6[7] < 64')" -a expr='ttl < 64'
  # invert=1 keeps exactly the rest: the two outputs partition the input.
  # (Not 'not (udp port 53)': BPF rejects a packet too short for its loads
  # whatever the expression, invert=1 keeps it, as it is not DNS.)
  if run_pktlua -r "$f" -w "$t/inv.pcap" -f "$EXAMPLES/filter.lua" -a invert=1; then
    oneline() { listing "$1" | awk '/^[0-9]/ && NR > 1 { print "" } { printf "%s|", $0 } END { if (NR) print "" }'; }
    oneline "$f" | sort >"$t/all"
    { oneline "$t/inv.pcap"; oneline "$t/bpf0.pcap"; } | sort >"$t/parts"
    same "$name: invert=1 output + DNS = input" "$t/all" "$t/parts"
  else
    bad "$name: invert=1 run failed: $(cat "$LAST_ERR")"
  fi
done
# the comparisons above are only worth something if packets were selected
check "some DNS and other packets selected in all ($selected)" [ "$selected" -gt 100 ]
check "captures/ipv4.pcap: 5 DNS packets (one a first fragment)" [ "$(run_pktlua -r "$CAPTURES/ipv4.pcap" -w - -f "$EXAMPLES/filter.lua" | tcpdump -nn -r - 2>/dev/null | wc -l)" -eq 5 ]
check "captures/vlan.pcap: 4 DNS packets behind tags" [ "$(run_pktlua -r "$CAPTURES/vlan.pcap" -w - -f "$EXAMPLES/filter.lua" | tcpdump -nn -r - 2>/dev/null | wc -l)" -eq 4 ]

# bad arguments stop the script before any packet, with a clear message
for a in proto=sctp port=70000 port=x 'expr=)('; do
  run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/x.pcap" -f "$EXAMPLES/filter.lua" -a "$a"
  rc=$?
  check "-a $a refused (status $rc: $(head -c 200 "$LAST_ERR"))" [ "$rc" -eq 2 ] && grep -q 'filter.lua' "$LAST_ERR"
done
finish
