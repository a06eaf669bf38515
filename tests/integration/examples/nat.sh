#!/usr/bin/env bash
# nat.lua: tshark shows the mapped addresses (computed here from tshark's
# view of the input) and the IPv4, TCP, UDP and ICMP checksums keep the
# status they had (good stays good, bad stays bad), with the transport ones
# of fragmented datagrams verified after reassembly; tcpdump -vv agrees.
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

statuses() {
  TSHARK_DEFRAG=1 tshark_fields "$1" ip.checksum.status tcp.checksum.status \
    udp.checksum.status icmp.checksum.status
}

# expect IN.tsv FROM/LEN TO/LEN DIR: the frames' v, src, dst after the map
expect() {
  awk -F'\t' -v OFS='\t' -v from="$2" -v to="$3" -v dir="$4" '
    function num(a,   p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
    function dotted(n) { return int(n / 16777216) "." int(n / 65536) % 256 "." int(n / 256) % 256 "." n % 256 }
    function map(a,   n) {
      if (a == "") return a
      n = num(a)
      if (int(n / span) * span != fnet) return a
      return dotted(tnet + n % span)
    }
    BEGIN { split(from, f, "/"); split(to, x, "/"); span = 2 ^ (32 - f[2])
            fnet = num(f[1]); tnet = num(x[1]) }
    { s = $5; d = $6
      if ($2 == 4) { if (dir != "dst") s = map(s); if (dir != "src") d = map(d) }
      print $2, s, d }' "$1"
}

# nat_case NAME CAPTURE FROM TO DIR
nat_case() {
  local name=$1 f=$2 from=$3 to=$4 dir=$5
  if ! run_pktlua -r "$f" -w "$t/out.pcap" -f "$EXAMPLES/nat.lua" -a "map=$from:$to" -a "dir=$dir"; then
    bad "$name: nat.lua failed: $(cat "$LAST_ERR")"; return
  fi
  ip_frames "$f" >"$t/in.tsv"
  ip_frames "$t/out.pcap" >"$t/out.tsv"
  expect "$t/in.tsv" "$from" "$to" "$dir" >"$t/want"
  cut -f2,5,6 "$t/out.tsv" >"$t/got"
  same "$name ($from -> $to, dir=$dir): addresses" "$t/want" "$t/got"
  # how many packets the script says it rewrote = frames whose addresses moved
  local moved
  moved=$(paste <(cut -f2,5,6 "$t/in.tsv") "$t/want" | awk -F'\t' '$2 != $5 || $3 != $6' | wc -l)
  check "$name: summary 'rewrote $moved packets' ($(cat "$LAST_ERR"))" grep -q "rewrote $moved packets" "$LAST_ERR"
  rewritten=$((rewritten + moved))
  statuses "$f" >"$t/sin"; statuses "$t/out.pcap" >"$t/sout"
  same "$name: IP/TCP/UDP/ICMP checksum statuses unchanged" "$t/sin" "$t/sout"
  good=$((good + $(tr '\t' '\n' <"$t/sout" | grep -cx 1)))
  same "$name: tcpdump -vv: same bad checksums" <(bad_cksums "$f") <(bad_cksums "$t/out.pcap")
}

rewritten=0 good=0
for d in ipv4 vlan nano; do
  nat_case "$d.pcap" "$CAPTURES/$d.pcap" 10.1.0.0/16 192.168.0.0/16 both
done
nat_case "ipv4.pcap" "$CAPTURES/ipv4.pcap" 10.1.0.0/16 172.31.0.0/16 src
nat_case "ipv4.pcap" "$CAPTURES/ipv4.pcap" 198.51.100.0/24 203.0.113.0/24 dst
nat_case "ipv4.pcap" "$CAPTURES/ipv4.pcap" 10.1.7.20/32 10.9.9.9/32 both
nat_case "ipv6.pcap" "$CAPTURES/ipv6.pcap" 10.1.0.0/16 192.168.0.0/16 both
check "captures: packets rewritten ($rewritten)" [ "$rewritten" -gt 60 ]

# the real captures: map the /16 of their busiest IPv4 source to 198.18/16
for f in $(captures); do
  case $(basename "$f") in
    zeek-ldap-mixed-linktypes.pcapng) continue ;;
    *.pcap|*.pcapng) ;;
  esac
  [ "$(dirname "$f")" = "$CAPTURES" ] && continue
  busiest=$(ip_frames "$f" | awk -F'\t' '$2 == 4 { split($5, p, "."); n[p[1] "." p[2]]++ }
    END { for (k in n) if (n[k] > best) { best = n[k]; b = k }; if (b != "") print b ".0.0/16" }')
  [ -n "$busiest" ] || continue
  nat_case "$(basename "$f")" "$f" "$busiest" 198.18.0.0/16 both
done
check "every check verified good checksums ($good)" [ "$good" -gt 10000 ]

# the map given by the environment, and bad maps refused at load time
PKTLUA_NAT=10.1.0.0/16=10.77.0.0/16 run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/e.pcap" -f "$EXAMPLES/nat.lua" || bad "PKTLUA_NAT run"
check "PKTLUA_NAT map used" grep -q '10\.77\.0\.10' < <(tcpdump -nn -r "$t/e.pcap" 2>/dev/null)
for m in 10.1.0.0/16 10.1.0.0/16:10.2.0.0/24 10.1.0.0/33:10.2.0.0/33 300.1.0.0/16:10.0.0.0/16; do
  run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/x.pcap" -f "$EXAMPLES/nat.lua" -a "map=$m"
  rc=$?
  check "map=$m refused (status $rc: $(head -c 200 "$LAST_ERR"))" [ "$rc" -eq 2 ] && grep -q 'nat.lua' "$LAST_ERR"
done
finish
