#!/usr/bin/env bash
# filter.lua: over every capture, the packets tcpdump's BPF filter selects,
# with the same bytes and timestamps (tcpdump -tt -xx listings), and beyond
# them only packets behind IPv6 extension headers or IPv4 AH (info.l4 walks
# them, BPF does not); DNS behind a hop-by-hop header counted by tshark.
# Default (DNS) against 'udp port 53'; -a proto/port, -a expr and -a invert
# against the equivalent BPF expressions.
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# oneline FILE: one line per packet, timestamp, summary and bytes
oneline() {
  tcpdump -nn -tt -xx -r "$1" 2>/dev/null |
    awk '/^[0-9]/ && NR > 1 { print "" } { printf "%s|", $0 } END { if (NR) print "" }'
}

# compare NAME CAPTURE BPF [filter.lua args...]: filter.lua keeps what the
# BPF filter keeps; beyond it only frames of $t/ext (IPv6 extension
# headers, IPv4 AH), where info.l4 finds the transport header and BPF's
# udp/tcp/icmp6, which look at the next header field only, do not
compare() {
  local name=$1 f=$2 bpf=$3; shift 3
  if ! run_pktlua -r "$f" -w "$t/lua.pcap" -f "$EXAMPLES/filter.lua" "$@"; then
    bad "$name: filter.lua $* failed: $(cat "$LAST_ERR")"; return
  fi
  if ! tcpdump -r "$f" -w - "$bpf" 2>/dev/null >"$t/bpf.pcap"; then
    bad "$name: tcpdump '$bpf' failed"; return
  fi
  oneline "$t/lua.pcap" | sort >"$t/lua.txt"
  oneline "$t/bpf.pcap" | sort >"$t/bpf.txt"
  local n; n=$(wc -l <"$t/bpf.txt")
  same "$name: filter.lua $* keeps all tcpdump '$bpf' keeps ($n packets)" \
    /dev/null <(comm -13 "$t/lua.txt" "$t/bpf.txt")
  comm -23 "$t/lua.txt" "$t/bpf.txt" >"$t/extra"
  same "$name: filter.lua $*: beyond it only frames with extension headers ($(wc -l <"$t/extra"))" \
    /dev/null <(comm -23 "$t/extra" "$t/ext")
  selected=$((selected + n)); extras=$((extras + $(wc -l <"$t/extra")))
}

selected=0 extras=0
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
  tcpdump -r "$f" -w "$t/ext.pcap" "$(tagged 'ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 60 or ip6[6] == 44 or ip6[6] == 51 or ip[9] == 51')" 2>/dev/null
  oneline "$t/ext.pcap" | sort >"$t/ext"
  compare "$name" "$f" "$(tagged 'udp port 53')"
  cp "$t/lua.pcap" "$t/lua0.pcap"
  compare "$name" "$f" "$(tagged 'tcp port 80')" -a proto=tcp -a port=80
  compare "$name" "$f" "$(tagged 'icmp or icmp6')" -a expr='proto == 1 or proto == 58'
  compare "$name" "$f" "$(tagged 'ip[8] < 64 or ip6[7] < 64')" -a expr='ttl < 64'
  # sport and dport, each on its own (both come from one 4-byte read)
  compare "$name" "$f" "$(tagged 'tcp src port 80 or udp dst port 53')" \
    -a expr='(proto == 6 and sport == 80) or (proto == 17 and dport == 53)'
  # invert=1 keeps exactly the rest: the two outputs partition the input.
  # (Not 'not (udp port 53)': BPF rejects a packet too short for its loads
  # whatever the expression, invert=1 keeps it, as it is not DNS.)
  if run_pktlua -r "$f" -w "$t/inv.pcap" -f "$EXAMPLES/filter.lua" -a invert=1; then
    oneline "$f" | sort >"$t/all"
    { oneline "$t/inv.pcap"; oneline "$t/lua0.pcap"; } | sort >"$t/parts"
    same "$name: invert=1 output + DNS = input" "$t/all" "$t/parts"
  else
    bad "$name: invert=1 run failed: $(cat "$LAST_ERR")"
  fi
done
# the comparisons above are only worth something if packets were selected
check "some DNS and other packets selected in all ($selected)" [ "$selected" -gt 100 ]
check "captures/ipv4.pcap: 5 DNS packets (one a first fragment)" [ "$(run_pktlua -r "$CAPTURES/ipv4.pcap" -w - -f "$EXAMPLES/filter.lua" | tcpdump -nn -r - 2>/dev/null | wc -l)" -eq 5 ]
[ "$CORPUS" = generated ] && check "frames only filter.lua keeps, behind extension headers ($extras)" [ "$extras" -gt 5 ]
# DNS behind a hop-by-hop header: tshark sees 4 DNS messages, tcpdump's
# 'udp port 53' 2 of them, filter.lua all 4
if [ -f "$GENERATED/ipv6-errors.pcap" ]; then
  e=$GENERATED/ipv6-errors.pcap
  nl=$(run_pktlua -r "$e" -w - -f "$EXAMPLES/filter.lua" | tcpdump -nn -r - 2>/dev/null | wc -l)
  nb=$(tcpdump -nn -r "$e" 'udp port 53' 2>/dev/null | wc -l)
  ns=$(tshark -r "$e" -n -Y 'udp.port == 53 && !icmpv6' 2>/dev/null | wc -l)
  check "ipv6-errors: DNS behind hop-by-hop kept: filter.lua $nl, tshark $ns, tcpdump $nb" \
    [ "$nl" -eq 4 ] && [ "$ns" -eq 4 ] && [ "$nb" -eq 2 ]
fi
check "captures/vlan.pcap: 4 DNS packets behind tags" [ "$(run_pktlua -r "$CAPTURES/vlan.pcap" -w - -f "$EXAMPLES/filter.lua" | tcpdump -nn -r - 2>/dev/null | wc -l)" -eq 4 ]

# bad arguments stop the script before any packet, with a clear message
for a in proto=sctp port=70000 port=x 'expr=)('; do
  run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/x.pcap" -f "$EXAMPLES/filter.lua" -a "$a"
  rc=$?
  check "-a $a refused (status $rc: $(head -c 200 "$LAST_ERR"))" [ "$rc" -eq 2 ] && grep -q 'filter.lua' "$LAST_ERR"
done
finish
