#!/usr/bin/env bash
# nat.lua: tshark shows the mapped addresses (computed here from tshark's
# view of the input) and the IPv4, TCP, UDP and ICMP checksums keep the
# status they had (good stays good, bad stays bad), with the transport ones
# of fragmented datagrams verified after reassembly; tcpdump -vv agrees.
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark mergecap
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# expect IN.tsv MAP DIR: the frames' v, src, dst after MAP (FROM:TO,...)
expect() {
  awk -F'\t' -v OFS='\t' -v map="$2" -v dir="$3" '
    function num(a,   p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
    function dotted(n) { return int(n / 16777216) "." int(n / 65536) % 256 "." int(n / 256) % 256 "." n % 256 }
    function mapped(a,   n, i, best) {
      if (a == "") return a
      n = num(a); best = 0
      for (i = 1; i <= nr; i++)
        if (int(n / span[i]) * span[i] == fnet[i] && (!best || span[i] < span[best])) best = i
      return best ? dotted(tnet[best] + n % span[best]) : a
    }
    BEGIN { nr = split(map, rules, ",")
            for (i = 1; i <= nr; i++) {
              split(rules[i], ft, ":"); split(ft[1], f, "/"); split(ft[2], x, "/")
              span[i] = 2 ^ (32 - f[2]); fnet[i] = num(f[1]); tnet[i] = num(x[1]) } }
    { s = $5; d = $6
      if ($2 == 4) { if (dir != "dst") s = mapped(s); if (dir != "src") d = mapped(d) }
      print $2, s, d }' "$1"
}

# nat_run NAME MAP DIR FILES...: nat.lua over each file; then, on the
# files merged (mergecap -a), one tshark pass for input and output each
nat_run() {
  local name=$1 map=$2 dir=$3; shift 3
  local i=0 f said=0 n outs=()
  rm -rf "$t/o"; mkdir "$t/o"
  for f in "$@"; do
    i=$((i + 1))
    local o; o=$t/o/$(printf '%04d' $i).pcap
    if ! run_pktlua -r "$f" -w "$o" -f "$EXAMPLES/nat.lua" -a "map=$map" -a "dir=$dir"; then
      bad "$name: nat.lua over $(basename "$f") failed: $(cat "$LAST_ERR")"; return
    fi
    n=$(sed -nE 's/^nat.lua: rewrote ([0-9]+) packets.*/\1/p' "$LAST_ERR")
    said=$((said + ${n:-0}))
    same "$name: $(basename "$f"): tcpdump -vv: same bad checksums" <(bad_cksums "$f") <(bad_cksums "$o")
    outs+=("$o")
  done
  mergecap -a -w "$t/in.pcapng" "$@" && mergecap -a -w "$t/out.pcapng" "${outs[@]}" \
    || die "mergecap failed"
  ip_frames "$t/in.pcapng" >"$t/in.tsv"
  ip_frames "$t/out.pcapng" >"$t/out.tsv"
  expect "$t/in.tsv" "$map" "$dir" >"$t/want"
  cut -f2,5,6 "$t/out.tsv" >"$t/got"
  same "$name (dir=$dir): addresses as mapped" "$t/want" "$t/got"
  # what the summaries say = the frames whose addresses moved
  local moved
  moved=$(paste <(cut -f2,5,6 "$t/in.tsv") "$t/want" | awk -F'\t' '$2 != $5 || $3 != $6' | wc -l)
  check "$name: the summaries say $said packets rewritten, $moved moved" [ "$said" -eq "$moved" ]
  rewritten=$((rewritten + moved))
  cksum_statuses "$t/in.pcapng" >"$t/sin"; cksum_statuses "$t/out.pcapng" >"$t/sout"
  same "$name: IP/TCP/UDP/ICMP checksum statuses unchanged" "$t/sin" "$t/sout"
  good=$((good + $(tr '\t' '\n' <"$t/sout" | grep -cx 1)))
}

rewritten=0 good=0
# every capture, one map: the 12 busiest source /16s of them all, each to
# its own /16 of 100.64.0.0/10
mapfor() {
  awk -F'\t' '$2 == 4 { split($5, p, "."); n[p[1] "." p[2]]++ }
    END { for (k in n) print n[k], k }' | sort -k1,1nr -k2 | head -12 |
    awk '{ printf "%s%s.0.0/16:100.%d.0.0/16", (NR > 1 ? "," : ""), $2, 63 + NR }'
}
mapfiles=()
for f in $(captures); do
  mapfiles+=("$f")
done
mergecap -a -w "$t/all.pcapng" "${mapfiles[@]}" || die "mergecap failed"
MAP=$(ip_frames "$t/all.pcapng" | mapfor)
check "a map of 12 prefixes ($MAP)" [ "$(tr ',' '\n' <<<"$MAP" | wc -l)" -eq 12 ]
nat_run "all captures" "$MAP" both "${mapfiles[@]}"
check "packets rewritten ($rewritten)" [ "$rewritten" -gt 9000 ]
check "good checksums verified ($good)" [ "$good" -gt 15000 ]

# source only, destination only, one host, over the generated captures
own=("$CAPTURES/ipv4.pcap" "$CAPTURES/vlan.pcap" "$CAPTURES/nano.pcap" "$CAPTURES/ipv6.pcap")
rewritten=0
nat_run "captures/, src" 10.1.0.0/16:172.31.0.0/16 src "${own[@]}"
nat_run "captures/, dst" 198.51.100.0/24:203.0.113.0/24,10.2.0.0/16:10.3.0.0/16 dst "${own[@]}"
nat_run "captures/, one host" 10.1.7.20/32:10.9.9.9/32,10.1.0.0/16:192.168.0.0/16 both "${own[@]}"
check "captures/: packets rewritten ($rewritten)" [ "$rewritten" -ge 90 ]

# the map given by the environment, and bad maps refused at load time
PKTLUA_NAT=10.1.0.0/16=10.77.0.0/16 run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/e.pcap" -f "$EXAMPLES/nat.lua" || bad "PKTLUA_NAT run"
check "PKTLUA_NAT map used" grep -q '10\.77\.0\.10' < <(tcpdump -nn -r "$t/e.pcap" 2>/dev/null)
for m in 10.1.0.0/16 10.1.0.0/16:10.2.0.0/24 10.1.0.0/33:10.2.0.0/33 300.1.0.0/16:10.0.0.0/16; do
  run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/x.pcap" -f "$EXAMPLES/nat.lua" -a "map=$m"
  rc=$?
  check "map=$m refused (status $rc: $(head -c 200 "$LAST_ERR"))" [ "$rc" -eq 2 ] && grep -q 'nat.lua' "$LAST_ERR"
done
# IPv6 prefixes, ARP, and the headers ICMP and ICMPv6 errors quote: every
# occurrence of every address field (the quoted header's too), against the
# input's mapped by sed; checksums as valid as before (tshark, tcpdump -vv)
if [ -f "$GENERATED/ipv6-errors.pcap" ]; then
  M4=10.1.0.0/16:10.91.0.0/16,10.2.0.0/16:10.92.0.0/16
  M6=2001:db8:1::/48=2001:db8:77::/48,2001:db8:53::/48=2001:db8:aa::/48
  addrs() {
    tshark -r "$1" -n -T fields -E occurrence=a -E aggregator=' ' -e frame.protocols -e ip.src \
      -e ip.dst -e ipv6.src -e ipv6.dst -e arp.src.proto_ipv4 \
      -e arp.dst.proto_ipv4 2>/dev/null
  }
  sums() {
    tshark_fields "$1" ip.checksum.status tcp.checksum.status \
      udp.checksum.status icmp.checksum.status icmpv6.checksum.status
  }
  mapped() {
    sed -E '{ s/(^|[\t ])10\.1\./\110.91./g; s/(^|[\t ])10\.2\./\110.92./g;
            s/(^|[\t ])2001:db8:1:/\12001:db8:77:/g; s/(^|[\t ])2001:db8:53:/\12001:db8:aa:/g }'
  }
  for f in "$GENERATED/ipv6-errors.pcap" "$GENERATED/eth-mixed.pcap" \
           "$GENERATED/sll-nano.pcap" "$GENERATED/sll2.pcap" "$GENERATED/mpls.pcap" \
           "$GENERATED/ipv6-ext.pcap" "$CAPTURES/ipv6.pcap"; do
    b=$(basename "$f")
    run_pktlua -r "$f" -w "$t/m.pcap" -f "$EXAMPLES/nat.lua" -a "map=$M4" -a "map6=$M6" \
      || { bad "$b: map6 run failed: $(cat "$LAST_ERR")"; continue; }
    addrs "$f" | mapped >"$t/want"; addrs "$t/m.pcap" >"$t/got"
    same "$b: IPv4, IPv6, ARP and quoted addresses mapped" "$t/want" "$t/got"
    addrs "$f" >"$t/orig"; check "$b: some addresses moved" test -n "$(cmp "$t/orig" "$t/got" 2>&1)"
    sums "$f" >"$t/sin"; sums "$t/m.pcap" >"$t/sout"
    same "$b: checksum statuses unchanged (tshark)" "$t/sin" "$t/sout"
    same "$b: tcpdump -vv: same bad checksums" <(bad_cksums "$f") <(bad_cksums "$t/m.pcap")
  done
  run_pktlua -r "$GENERATED/ipv6-errors.pcap" -w "$t/m.pcap" -f "$EXAMPLES/nat.lua" -a "map=$M4" -a "map6=$M6"
  check "ipv6-errors: 3 quoted headers rewritten ($(cat "$LAST_ERR"))" grep -q '7 packets, 0 ARP, 3 quoted' "$LAST_ERR"
  check "ipv6-errors: tcpdump -vv checks 7 transport sums ok" \
    [ "$(tcpdump -nn -vv -r "$t/m.pcap" 2>/dev/null | grep -c 'sum ok')" -ge 5 ]
  run_pktlua -r "$GENERATED/eth-mixed.pcap" -w "$t/m.pcap" -f "$EXAMPLES/nat.lua" -a "map=$M4"
  check "eth-mixed: 2 ARP, 1 quoted header ($(cat "$LAST_ERR"))" grep -q ' 2 ARP, 1 quoted' "$LAST_ERR"
  for m in 2001:db8::/48 2001:db8::/48=2001:db8::/64 2001:db8::/129=2001:db8::/129 2001:zz8::/48=2001:db8::/48; do
    run_pktlua -r "$CAPTURES/ipv6.pcap" -w "$t/x.pcap" -f "$EXAMPLES/nat.lua" -a "map6=$m"
    rc=$?
    check "map6=$m refused (status $rc)" [ "$rc" -eq 2 ] && grep -q 'nat.lua' "$LAST_ERR"
  done
fi
finish
