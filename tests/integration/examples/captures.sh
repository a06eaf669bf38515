#!/usr/bin/env bash
# The generator and the captures it made (captures/*.pcap).
#   captures.sh reproducible  the committed files equal a fresh pktgen run
#   captures.sh checksums     tcpdump -vv and tshark find every checksum valid
#   captures.sh bulk          --udp64/--mixed: sizes, checksums, determinism
. "$(dirname "$0")/../lib.sh"
need_pktgen
t=$(tmp)
DEMOS="ipv4 vlan ipv6 nano"

case ${1:-} in
reproducible)
  for d in $DEMOS; do
    "$PKTGEN" --demo "$d" -w "$t/$d.pcap" || die "pktgen --demo $d failed"
    check "captures/$d.pcap is what 'pktgen --demo $d' writes" \
      cmp "$CAPTURES/$d.pcap" "$t/$d.pcap"
  done
  # nothing committed that the generator does not make
  for f in "$CAPTURES"/*.pcap; do
    d=$(basename "$f" .pcap)
    check "captures/$d.pcap has a demo" grep -qw "$d" <<<"$DEMOS"
  done
  ;;
checksums)
  need tcpdump tshark
  for d in $DEMOS; do
    f=$CAPTURES/$d.pcap
    n=$(tcpdump -nn -r "$f" 2>/dev/null | wc -l)
    check "$d: has packets" [ "$n" -gt 0 ]
    b=$(bad_cksums "$f")
    check "$d: tcpdump -vv sees no bad checksum (frames: $b)" [ -z "$b" ]
    # tshark: status 1 = good, 3 = not present (UDP without checksum); the
    # fragmented datagram's UDP checksum is verified reassembled
    TSHARK_DEFRAG=1 tshark_fields "$f" frame.number ip.checksum.status tcp.checksum.status \
      udp.checksum.status icmp.checksum.status icmpv6.checksum.status \
      >"$t/st" || die "tshark failed on $f"
    check "$d: tshark decodes every frame" [ "$(wc -l <"$t/st")" -eq "$n" ]
    b=$(awk -F'\t' '{ for (i = 2; i <= NF; i++) if ($i != "" && $i != 1 && $i != 3) print $1 }' "$t/st")
    check "$d: tshark finds every checksum good (frames: $b)" [ -z "$b" ]
    # and some checksum was actually verified in every frame
    b=$(awk -F'\t' '{ g = 0; for (i = 2; i <= NF; i++) if ($i == 1) g = 1; if (!g) print $1 }' "$t/st")
    check "$d: every frame has a verified checksum (frames without: $b)" [ -z "$b" ]
  done
  # what the demos promise: IP options, TTL 1, VLAN tags, nanoseconds
  check "ipv4: IHL 6 and 7 present" [ "$(tshark_fields "$CAPTURES/ipv4.pcap" ip.hdr_len | sort -u | tr '\n' ' ')" = "20 24 28 " ]
  check "ipv4: two TTL-1 packets" [ "$(tshark_fields "$CAPTURES/ipv4.pcap" ip.ttl | grep -cx 1)" -eq 2 ]
  check "vlan: QinQ frames" [ "$(tcpdump -nn -e -r "$CAPTURES/vlan.pcap" 2>/dev/null | grep -c '0x88a8')" -gt 0 ]
  check "vlan: every frame tagged" [ "$(tcpdump -nn -e -r "$CAPTURES/vlan.pcap" 2>/dev/null | grep -vc '802.1Q')" -eq 0 ]
  check "ipv6: hop limit 1 present" grep -qx 1 < <(tshark_fields "$CAPTURES/ipv6.pcap" ipv6.hlim)
  check "nano: nanosecond timestamps" grep -q '\.123456789 ' < <(tcpdump -nn --time-stamp-precision=nano -r "$CAPTURES/nano.pcap" 2>/dev/null)
  ;;
bulk)
  need tcpdump tshark
  "$PKTGEN" --udp64 3000 -w "$t/u.pcap" || die "pktgen --udp64"
  "$PKTGEN" --udp64 3000 -w - >"$t/u2.pcap" || die "pktgen --udp64 to stdout"
  "$PKTGEN" --udp64 3000 --seed 2 -w "$t/u3.pcap" || die "pktgen --seed 2"
  "$PKTGEN" --mixed 3000 -w "$t/m.pcap" || die "pktgen --mixed"
  same "udp64 deterministic (file and stdout)" "$t/u.pcap" "$t/u2.pcap"
  check "another seed, other bytes" bash -c "! cmp -s '$t/u.pcap' '$t/u3.pcap'"
  check "udp64: 24 + 3000 * (16 + 64) bytes" [ "$(stat -c %s "$t/u.pcap")" -eq $((24 + 3000 * 80)) ]
  for f in u m; do
    b=$(bad_cksums "$t/$f.pcap")
    check "$f: no bad checksum (frames: $b)" [ -z "$b" ]
  done
  tshark_fields "$t/m.pcap" frame.len ip.proto ip.ttl >"$t/m.txt"
  check "mixed: 3000 frames" [ "$(wc -l <"$t/m.txt")" -eq 3000 ]
  check "mixed: sizes 64..1500" awk -F'\t' '$1 < 64 || $1 > 1500 { exit 1 }' "$t/m.txt"
  check "mixed: sizes spread" awk -F'\t' '$1 < 200 { s++ } $1 > 1300 { l++ } END { exit !(s > 100 && l > 100) }' "$t/m.txt"
  check "mixed: TCP, UDP and ICMP" [ "$(cut -f2 "$t/m.txt" | sort -u | tr '\n' ' ')" = "1 17 6 " ]
  check "mixed: no TTL below 2" awk -F'\t' '$3 < 2 { exit 1 }' "$t/m.txt"
  n=$(tcpdump -nn -r "$t/u.pcap" 'udp dst port 53' 2>/dev/null | wc -l)
  check "udp64: about 1 in 8 to port 53 ($n)" [ "$n" -gt 250 ] && [ "$n" -lt 500 ]
  n=$(tcpdump -nn -r "$t/u.pcap" 'src net 10.1.0.0/16' 2>/dev/null | wc -l)
  check "udp64: 7 of 8 sources in 10.1/16 ($n)" [ "$n" -gt 2400 ] && [ "$n" -lt 2850 ]
  ;;
*) die "usage: $0 reproducible|checksums|bulk" ;;
esac
finish
