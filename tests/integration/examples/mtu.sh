#!/usr/bin/env bash
# mtu.lua against tcprewrite --mtu=N --mtu-trunc: the packets cut to the
# MTU are the same records, byte for byte (lengths, checksums); the others
# pass unchanged (tcprewrite rewrites some of them too: it counts Ethernet
# padding into the IP length and fixes bad checksums, which mtu.lua
# leaves alone, it zeroes the UDP checksum of a first fragment cut, and
# it leaves UDP lengths past the cut);
# no IP packet longer than the MTU is left; tcpdump -vv
# finds no bad checksum in the packets it cut.
. "$(dirname "$0")/../lib.sh"
need tcprewrite tshark tcpdump
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

ncut=0
for f in $(readable_captures); do
  name=$(basename "$f")
  for mtu in 1000 576; do
    run_pktlua -r "$f" -w "$t/o.pcap" -f "$EXAMPLES/mtu.lua" -a mtu=$mtu ||
      { bad "$name: mtu.lua failed: $(head -2 "$LAST_ERR")"; continue; }
    records "$f" >"$t/in.r"
    records "$t/o.pcap" >"$t/out.r"
    # the records mtu.lua changed: every one must be tcprewrite's
    diff "$t/in.r" "$t/out.r" | sed -n 's/^> //p' >"$t/changed"
    [ -s "$t/changed" ] || continue
    ncut=$((ncut + $(wc -l <"$t/changed")))
    tcprewrite --mtu=$mtu --mtu-trunc -i "$f" -o "$t/tr.pcap" 2>/dev/null ||
      die "tcprewrite --mtu-trunc failed on $name"
    # but fragments (tcprewrite zeroes the UDP checksum of a first one)
    # and the UDP lengths tcprewrite leaves past the cut
    # (and IPv6, which tcprewrite cuts to another length)
    { tshark -r "$f" -Y 'ip.flags.mf == 1 || ip.frag_offset > 0 || ipv6' -T fields \
        -e frame.number 2>/dev/null
      tshark -r "$t/tr.pcap" -T fields -E occurrence=f -e frame.number \
        -e udp.length -e ip.len -e ip.hdr_len 2>/dev/null |
        awk -F'\t' '$2 != "" && $3 != "" && $2 > $3 - $4 { print $1 }'; } >"$t/frags"
    check "$name, mtu $mtu: no UDP length past the packet" \
      test -z "$(tcpdump -nn -vv -r "$t/o.pcap" 2>/dev/null | grep 'bad length')"
    awk 'NR == FNR { f[$1] = 1; next } !f[$1]' "$t/frags" "$t/changed" >"$t/mine"
    records "$t/tr.pcap" | awk 'NR == FNR { n[$1] = 1; next } n[$1]' \
      <(cut -f1 "$t/mine") - >"$t/theirs"
    same "$name, mtu $mtu: the cut packets are tcprewrite --mtu-trunc's" "$t/theirs" "$t/mine"
    check "$name, mtu $mtu: no IP packet over $mtu bytes" test -z "$(tshark -r "$t/o.pcap" \
      -T fields -E occurrence=f -e ip.len -e ipv6.plen 2>/dev/null |
      awk -F'\t' -v m=$mtu '$1 + 0 > m || ($2 != "" && $2 + 40 > m)')"
    bad_cksums "$t/o.pcap" >"$t/bad.out"
    check "$name, mtu $mtu: no bad checksum in the cut packets" \
      test -z "$(grep -wFf <(cut -f1 "$t/changed") "$t/bad.out")"
  done
done
[ "$CORPUS" = generated ] && check "packets cut: $ncut" test "$ncut" -gt 0

for a in mtu=67 mtu=x; do
  run_pktlua -r "$CAP_LONG" -w "$t/bad.pcap" -f "$EXAMPLES/mtu.lua" -a $a
  check "-a $a: exit 2 with a message" test $? -eq 2 -a -n "$(grep 'mtu.lua: -a' "$LAST_ERR")"
done

finish
