#!/usr/bin/env bash
# The generator and the captures it made (captures/*.pcap).
#   captures.sh reproducible  the committed files equal a fresh pktgen run
#   captures.sh checksums     tcpdump -vv and tshark find every checksum valid
#   captures.sh bulk          --udp64/--mixed: sizes, checksums, determinism
#   captures.sh generated     --corpus: deterministic, and each file is what
#                             --list-corpus says, as tcpdump and tshark read it
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
generated)
  need tcpdump tshark capinfos
  g=$GENERATED
  mkdir "$t/c1" "$t/c2"
  "$PKTGEN" --corpus "$t/c1" || die "pktgen --corpus"
  "$PKTGEN" --corpus "$t/c2" --seed 2 || die "pktgen --corpus --seed 2"
  for f in "$g"/*.pcap "$g"/*.pcapng; do
    b=$(basename "$f")
    same "$b: the build's corpus is what pktgen --corpus writes" "$f" "$t/c1/$b"
    check "$b: listed by --list-corpus" grep -q "^$b " < <("$PKTGEN" --list-corpus)
  done
  check "--list-corpus names only files it writes" \
    [ "$("$PKTGEN" --list-corpus | wc -l)" -eq "$(ls "$t/c1" | wc -l)" ]
  check "another seed, other bytes" bash -c "! cmp -s '$t/c1/tcp-long.pcap' '$t/c2/tcp-long.pcap'"
  # link type and file format, as tcpdump and capinfos read them
  linktype() { tcpdump -r "$1" -c 1 2>&1 >/dev/null | sed -n 's/.*link-type \([^ ]*\) .*/\1/p' | head -1; }
  for want in eth-mixed.pcap:EN10MB vlan.pcap:EN10MB sll-nano.pcap:LINUX_SLL \
              sll2.pcap:LINUX_SLL2 null.pcap:NULL loop.pcap:LOOP raw.pcap:RAW \
              linktype-ipv4.pcap:IPV4 linktype-ipv6.pcap:IPV6 \
              one-if.pcapng:EN10MB several-if.pcapng:EN10MB; do
    check "${want%%:*}: link type ${want#*:} (tcpdump: $(linktype "$g/${want%%:*}"))" \
      [ "$(linktype "$g/${want%%:*}")" = "${want#*:}" ]
  done
  check "bigendian.pcap: a big-endian file that tcpdump reads" \
    [ "$(od -An -tx1 -N4 "$g/bigendian.pcap" | tr -d ' ')" = a1b2c3d4 -a "$(count "$g/bigendian.pcap")" -gt 10 ]
  check "sll-nano.pcap: nanosecond timestamps" \
    [ "$(od -An -tx1 -N4 "$g/sll-nano.pcap" | tr -d ' ')" = 4d3cb2a1 ]
  check "several-if.pcapng: three interfaces, nanoseconds" \
    [ "$(tshark -r "$g/several-if.pcapng" -T fields -e frame.interface_id 2>/dev/null | sort -u | tr '\n' ' ')" = "0 1 2 " ]
  check "empty.pcapng: a pcapng file without packets" \
    [ "$(capinfos -t -c -M "$g/empty.pcapng" 2>/dev/null | grep -c 'File type: *pcapng$\|Number of packets: *0$')" -eq 2 ]
  check "mixed-links.pcapng: libpcap refuses it" \
    grep -q 'different from the type of the first interface' < <(tcpdump -r "$g/mixed-links.pcapng" 2>&1 >/dev/null)
  check "mixed-links.pcapng: tshark reads both link types" \
    [ "$(tshark -r "$g/mixed-links.pcapng" -T fields -e frame.protocols 2>/dev/null | cut -d: -f1 | sort -u | tr '\n' ' ')" = "eth raw " ]
  # truncation: caplen < len on every record of the snaplen files
  for f in snaplen68.pcap:68 snaplen1.pcap:1; do
    check "${f%%:*}: snaplen ${f#*:}, every record cut" \
      [ "$(tshark_fields "$g/${f%%:*}" frame.len frame.cap_len | awk -F'\t' -v s="${f#*:}" '$2 != s || $1 <= $2' | wc -l)" -eq 0 ]
  done
  check "ip-cut.pcap: IPv4 and IPv6 headers cut short" \
    [ "$(tcpdump -nn -r "$g/ip-cut.pcap" 2>/dev/null | grep -c '\[|ip6\?\]')" -eq 2 ]
  # the headers each file promises
  has() { tshark -r "$g/$1" -T fields -e frame.protocols 2>/dev/null | grep -q "$2"; }
  for want in "eth-mixed.pcap:mpls:ip" "eth-mixed.pcap:eth:ethertype:arp" \
              "eth-mixed.pcap:eth:llc" "eth-mixed.pcap:ip:igmp" "eth-mixed.pcap:ipv6:tcp" \
              "eth-mixed.pcap:icmp:ip:udp" "qinq.pcap:ieee8021ad:ethertype:vlan:ethertype:ip" \
              "vlan.pcap:eth:ethertype:vlan:ethertype:ip" "sll2.pcap:sll:ethertype:arp" \
              "null.pcap:null:ipv6" "raw.pcap:raw:ipv6" "tcp-long.pcap:ftp"; do
    check "${want%%:*} holds ${want#*:}" has "${want%%:*}" "${want#*:}"
  done
  check "ipv4-options.pcap: IHL 6 and 7" [ "$(tshark_fields "$g/ipv4-options.pcap" ip.hdr_len | sort -u | tr '\n' ' ')" = "24 28 " ]
  check "ipv4-options.pcap: Ethernet padding (frames longer than the datagram)" \
    [ "$(tshark_fields "$g/ipv4-options.pcap" frame.len ip.len | awk -F'\t' '$1 > $2 + 14' | wc -l)" -gt 0 ]
  n=$(tshark_fields "$g/ipv4-fragments.pcap" ip.flags.mf ip.frag_offset | awk -F'\t' '$1 == 1 || $2 > 0' | wc -l)
  check "ipv4-fragments.pcap: fragments ($n)" [ "$n" -gt 100 ]
  n=$(count "$g/tcp-long.pcap")
  check "tcp-long.pcap: ~8k packets ($n), none with a bad checksum" \
    [ "$n" -gt 7700 -a -z "$(bad_cksums "$g/tcp-long.pcap")" ]
  # the checksum verdicts tcpdump -vv gives: bad where the name says so
  for f in ipv4-bad tcp-bad udp-bad icmp-bad icmp6-bad; do
    check "$f-cksum.pcap: tcpdump -vv finds the bad sum" [ "$(bad_cksums "$g/$f-cksum.pcap")" = 1 ]
  done
  check "ipv4-bad-cksum.pcap: in the IPv4 header" [ "$(bad_cksums "$g/ipv4-bad-cksum.pcap" ip)" = 1 ]
  for f in tcp-good udp-good icmp-good icmp6-good; do
    check "$f-cksum.pcap: no bad sum" [ -z "$(bad_cksums "$g/$f-cksum.pcap")" ]
  done
  check "eth-mixed.pcap: 2 bad IPv4 header sums, 4 bad sums in all" \
    [ "$(bad_cksums "$g/eth-mixed.pcap" ip | wc -l)" -eq 2 -a "$(bad_cksums "$g/eth-mixed.pcap" | wc -l)" -eq 4 ]
  ;;
*) die "usage: $0 reproducible|checksums|bulk|generated" ;;
esac
finish
