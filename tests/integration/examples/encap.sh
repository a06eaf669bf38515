#!/usr/bin/env bash
# encap.lua: every capture wrapped in each mode (vxlan, gretap: Ethernet
# only, other link types unchanged; gre, ipip: every link type), then
# decap.lua -a levels=1: the records as they were, byte for byte. tshark
# on the tunnels of four captures, each mode over IPv4 and IPv6: the
# outer addresses, VNI and key asked for; the outer IPv4 header and UDP
# checksums good (where the frame was captured whole); no expert message
# (length, bad checksum, malformed) that tshark did not give the input
# frame; the layers inside those of the input. Every IP packet of the
# cooked and raw captures wrapped in gre and ipip mode; bad arguments
# refused.
. "$(dirname "$0")/../lib.sh"
need tshark
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

linktype() { "$PKTLUA" -q -r "$1" -c 1 -e 'function packet (p, i) print(i.linktype) end'; }
expert() {
  tshark -r "$1" -n -o ip.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE \
    -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -T fields -e _ws.expert.message 2>/dev/null
}
# outer FILE: the outer header's fields, one frame a line
outer() {
  tshark_fields "$1" ip.src ip.dst ipv6.src ipv6.dst ip.checksum.status \
    udp.checksum.status vxlan.vni gre.key gre.proto frame.cap_len frame.len
}

n=0
for f in $(readable_captures); do
  name=$(basename "$f")
  lt=$(linktype "$f")
  records "$f" >"$t/in.r"
  [ "$lt" = 1 ] && n=$((n + 1))
  # each mode over one IP version (both: the tshark checks below)
  for combo in "vxlan 192.0.2.1 192.0.2.2" "gretap 2001:db8::1 2001:db8::2" \
               "gre 2001:db8::1 2001:db8::2" "ipip 192.0.2.1 192.0.2.2"; do
    set -- $combo
    mode=$1; shift
    if [ "$lt" != 1 ] && { [ $mode = vxlan ] || [ $mode = gretap ]; }; then
      run_pktlua -r "$f" -w "$t/o.pcap" -f "$EXAMPLES/encap.lua" -a mode=$mode
      same "$name (link type $lt) $mode: unchanged" "$t/in.r" <(records "$t/o.pcap")
      continue
    fi
    run_pktlua -r "$f" -w "$t/e.pcap" -f "$EXAMPLES/encap.lua" -a mode=$mode \
      -a local=$1 -a remote=$2 -a vni=4242 -a key=77 ||
      bad "$name $mode $1: encap failed: $(head -2 "$LAST_ERR")"
    run_pktlua -r "$t/e.pcap" -w "$t/d.pcap" -f "$EXAMPLES/decap.lua" -a levels=1
    same "$name $mode $1: decap after encap gives the input" "$t/in.r" <(records "$t/d.pcap")
  done
done
check "Ethernet captures wrapped: $n" test "$n" -gt 0
[ "$CORPUS" = shared ] && finish

# tshark on the tunnels, over a mixed capture, a cut one, VLAN tags and
# IPv6 extension headers
for c in eth-mixed snaplen68 vlan ipv6-ext; do
  f=$CAPS/$c.pcap
  expert "$f" >"$t/in.x"
  tshark_fields "$f" frame.protocols >"$t/in.p"
  for mode in vxlan gretap gre ipip; do
    for ends in "192.0.2.1 192.0.2.2" "2001:db8::1 2001:db8::2"; do
      set -- $ends
      what="$c $mode $1"
      run_pktlua -r "$f" -w "$t/e.pcap" -f "$EXAMPLES/encap.lua" -a mode=$mode \
        -a local=$1 -a remote=$2 -a vni=4242 -a key=77
      # the frames wrapped (gre, ipip: those with IP), tshark's outer fields
      outer "$t/e.pcap" | paste "$t/in.p" - | awk -F'\t' -v OFS='\t' -v mode=$mode -v v6=$([ "$1" = 192.0.2.1 ] && echo 0 || echo 1) '
        mode ~ /gre$|ipip/ && $1 !~ /^eth:ethertype:((vlan|ieee8021ad):ethertype:)*ipv?6?(:|$)/ { next }
        { bad = ""
          if (v6 == 0 && ($2 != "192.0.2.1" || $3 != "192.0.2.2" || $6 != 1)) bad = bad " outer IPv4"
          if (v6 == 1 && ($4 != "2001:db8::1" || $5 != "2001:db8::2")) bad = bad " outer IPv6"
          if (mode == "vxlan" && ($8 != 4242 || $11 == $12 && $7 != 1)) bad = bad " vxlan"
          if (mode ~ /gre/ && $9 != "0x0000004d") bad = bad " gre key"
          if (bad != "") print NR ":" bad }' >"$t/bad"
      check "$what: the outer headers$(head -3 "$t/bad" | tr '\n' ' ')" test ! -s "$t/bad"
      # but, in records captured short, the UDP checksum 0 over IPv6, which
      # RFC 6935 allows a tunnel (tshark does not know)
      expert "$t/e.pcap" >"$t/e.x"
      [ $c = snaplen68 ] && sed -i 's/Illegal checksum value (0),\{0,1\}//' "$t/e.x"
      same "$what: no new expert message" "$t/in.x" "$t/e.x"
      # the layers inside: the input's, after the outer IP and tunnel
      tshark_fields "$t/e.pcap" frame.protocols | paste "$t/in.p" - | awk -F'\t' '
        { i = $1; sub(/^eth:ethertype:((vlan|ieee8021ad):ethertype:)*/, "", i)
          if (index($2, ":" $1) == 0 && index($2, ":" i) == 0 && $1 != $2) print NR }' >"$t/bad"
      check "$what: the layers inside$(head -3 "$t/bad" | tr '\n' ' ')" test ! -s "$t/bad"
    done
  done
done

# gre and ipip behind other link layers: every IP packet wrapped (an
# IPv6-only link type with IPv6 outside), the link layer's type set
for c in sll-nano sll2 raw linktype-ipv4 linktype-ipv6; do
  f=$CAPS/$c.pcap
  set -- 192.0.2.1 192.0.2.2
  [ $c = linktype-ipv6 ] && set -- 2001:db8::1 2001:db8::2
  nip=$(ip_frames "$f" | awk -F'\t' '$2 == 4 || $2 == 6' | wc -l)
  check "$c: IP packets to wrap ($nip)" test "$nip" -gt 0
  for mode in gre ipip; do
    run_pktlua -r "$f" -w "$t/e.pcap" -f "$EXAMPLES/encap.lua" -a mode=$mode -a local=$1 -a remote=$2
    check "$c $mode: its $nip IP packets wrapped" test "$(tshark_fields "$t/e.pcap" frame.protocols |
      grep -c -E '(^|:)ipv?6?:(gre:)?ipv?6?(:|$)')" = "$nip"
  done
done

# udpsum=0: VXLAN over IPv4 without a checksum
run_pktlua -r "$CAP_MIXED" -w "$t/e.pcap" -f "$EXAMPLES/encap.lua" -a udpsum=0
check "udpsum=0: every outer UDP checksum 0" test "$(tshark_fields "$t/e.pcap" udp.checksum | sort -u)" = 0x0000

for a in mode=l2tp local=1.2.3 remote=2001:db8::1 vni=16777216 key=-1 ttl=256 smac=1:2; do
  run_pktlua -r "$CAP_LONG" -w "$t/bad.pcap" -f "$EXAMPLES/encap.lua" -a $a
  check "-a $a: exit 2 with a message" test $? -eq 2 -a -n "$(grep 'encap.lua: ' "$LAST_ERR")"
done
finish
