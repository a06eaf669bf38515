#!/usr/bin/env bash
# decap.lua against tshark's view of the input's inner layers, over every
# capture and over tunnels.pcap made raw IP (where VXLAN and the other
# Ethernet tunnels must pass unchanged): after decap each frame's layers
# (frame.protocols) are those tshark saw inside the tunnels, under the
# outer link layer or the inner Ethernet frame (all levels, and levels=1);
# the IP, TCP and UDP fields tshark decodes are those of the inner packets
# (each field's values a tail of the input's); frames that are no tunnel
# (by tshark) keep their bytes; no checksum turns bad (tcpdump -vv).
. "$(dirname "$0")/../lib.sh"
need tshark tcpdump
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# protocols PROTOCOLS [LEVELS]: per frame, the layers tshark must see
# after decap, from tshark's frame.protocols of the input
protocols() {
  awk -v levels="${2:-99}" '
    { s = $0
      for (n = 0; n < levels; n++) {
        if (!match(s, /^(eth:ethertype:((vlan|ieee8021ad):ethertype:)*|sll:ethertype:|raw:)/)) break
        link = substr(s, 1, RLENGTH); k = split(substr(s, RLENGTH + 1), e, ":")
        if (e[1] != "ip" && e[1] != "ipv6") break
        if (e[2] == "ip" || e[2] == "ipv6") from = 2
        else if (e[2] == "gre") from = 3
        else if (e[2] == "udp" && (e[3] == "vxlan" || e[3] == "geneve" || e[3] == "gtp")) from = 4
        else break
        inner = e[from]; for (i = from + 1; i <= k; i++) inner = inner ":" e[i]
        if (inner ~ /^ppp/) break  # PPTP (GRE version 1)
        if (inner ~ /^eth:/) { if (link !~ /^eth:/) break; s = inner }
        else if (link == "raw:" && inner !~ /^ipv?6?:/) break
        else s = link inner
      }
      print s }' "$1"
}
FIELDS="ip.src ip.dst ip.ttl ip.id ip.len ip.checksum ipv6.src ipv6.dst ipv6.hlim ipv6.plen tcp.seq_raw tcp.checksum udp.length udp.checksum"
fields() {
  local a=() x
  for x in $FIELDS; do a+=(-e "$x"); done
  tshark -r "$1" -n -o ip.defragment:FALSE -T fields -E occurrence=a "${a[@]}" 2>/dev/null
}

# check_decap IN OUT [LEVELS]: OUT is IN decapsulated (tshark's view of
# OUT only where IN has tunnels)
check_decap() {
  local name=$1 in=$2 out=$3
  tshark_fields "$in" frame.protocols >"$t/in.p"
  protocols "$t/in.p" "${4:-}" >"$t/want.p"
  # the frames no tunnel (by tshark): the same bytes
  paste "$t/in.p" "$t/want.p" | awk -F'\t' '$1 != $2 { print NR }' >"$t/changed"
  same "$name: frames without a tunnel unchanged" <(records "$in" "$t/changed") <(records "$out" "$t/changed")
  [ -s "$t/changed" ] || return 0
  same "$name: the inner layers" "$t/want.p" <(tshark_fields "$out" frame.protocols)
  check "$name: the inner packets' fields" test -z "$(paste <(fields "$in") <(fields "$out") | awk -F'\t' '
    { n = NF / 2
      for (i = 1; i <= n; i++) { a = $i; b = $(i + n)
        if (b != "" && a != b && substr(a, length(a) - length(b)) != "," b) { print NR ": " a " / " b; next } } }' | tee /dev/stderr)"
  check "$name: no new bad checksum" test "$(bad_cksums "$out" | wc -l)" -le "$(bad_cksums "$in" | wc -l)"
}

ntun=0
for f in $(readable_captures); do
  name=$(basename "$f")
  run_pktlua -r "$f" -w "$t/o.pcap" -f "$EXAMPLES/decap.lua" ||
    { bad "$name: decap.lua failed: $(head -2 "$LAST_ERR")"; continue; }
  check_decap "$name" "$f" "$t/o.pcap"
  ntun=$((ntun + $(wc -l <"$t/changed")))
done
[ "$CORPUS" = generated ] && check "tunnels stripped: $ntun" test "$ntun" -ge 17
[ "$CORPUS" = shared ] && finish

tun=$CAPS/tunnels.pcap
run_pktlua -r "$tun" -w "$t/one.pcap" -f "$EXAMPLES/decap.lua" -a levels=1
check_decap "tunnels.pcap, levels=1" "$tun" "$t/one.pcap" 1
check "levels=1: the tunnel in a tunnel left" test "$(tshark_fields "$t/one.pcap" frame.protocols | grep -c gre)" = 1
check "the summary" grep -q "decap.lua: stripped geneve 2, gre 6, gtpu 3, ip 3, vxlan 3" "$LAST_ERR"

# raw IP: the same tunnels behind no link layer; an Ethernet frame inside
# has nowhere to go
"$PKTLUA" -q -r "$tun" -w "$t/raw.pcap" -e 'local pktlua = require "pktlua"
  pktlua.linktype(101)
  function packet (p, i) pktlua.remove(p, 1, 14) end'
run_pktlua -r "$t/raw.pcap" -w "$t/o.pcap" -f "$EXAMPLES/decap.lua"
check_decap "tunnels.pcap as raw IP" "$t/raw.pcap" "$t/o.pcap"
check "raw IP: the Ethernet tunnels left" test "$(tshark_fields "$t/o.pcap" frame.protocols | grep -c -E 'vxlan|gre:eth|geneve:eth')" = 6

for a in levels=0 levels=x; do
  run_pktlua -r "$tun" -w "$t/bad.pcap" -f "$EXAMPLES/decap.lua" -a $a
  check "-a $a: exit 2 with a message" test $? -eq 2 -a -n "$(grep 'decap.lua: -a' "$LAST_ERR")"
done
finish
