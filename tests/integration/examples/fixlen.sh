#!/usr/bin/env bash
# fixlen.lua against tcprewrite --fixlen=pad/trunc over the captures cut
# short (caplen < len): the same records, but where tcprewrite is wrong
# or gives up: it leaves a UDP length longer than the packet it cut
# ("bad length" by tcpdump: fixlen.lua's are right) and does not pad
# packets cut inside or before their IP header (fixlen.lua pads them to
# their length on the wire). pad: every record whole; mode=drop: only the whole
# ones left; packets captured whole pass unchanged, bad checksums too.
. "$(dirname "$0")/../lib.sh"
need tcprewrite tshark tcpdump
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# frames tcpdump says have a UDP length past the packet
badlen() {
  tcpdump -# -nn -vv -r "$1" 2>/dev/null | awk '/^ *[0-9]+  / { n = $1 } /bad length/ { print n }'
}

n=0
for f in $(readable_captures); do
  name=$(basename "$f")
  cut=$(tshark -r "$f" -T fields -e frame.cap_len -e frame.len 2>/dev/null | awk '$1 < $2' | wc -l)
  if [ "$cut" -eq 0 ]; then
    run_pktlua -r "$f" -w "$t/o.pcap" -f "$EXAMPLES/fixlen.lua"
    check "$name: captured whole: unchanged" cmp -s <(records "$f") <(records "$t/o.pcap")
    continue
  fi
  n=$((n + 1))
  # frames cut inside their IP header (or before it), which tcprewrite
  # leaves as they are
  ip_frames "$f" | awk -F'\t' '$2 == "t" || $2 == "-" { print $1 }' >"$t/skip"
  for mode in pad trunc; do
    run_pktlua -r "$f" -w "$t/$mode.pcap" -f "$EXAMPLES/fixlen.lua" -a mode=$mode ||
      bad "$name $mode: failed: $(head -2 "$LAST_ERR")"
    tcprewrite --fixlen=$mode -i "$f" -o "$t/$mode.tr.pcap" 2>/dev/null ||
      die "tcprewrite --fixlen=$mode failed on $name"
    { cat "$t/skip"; badlen "$t/$mode.tr.pcap"; } | sort -n >"$t/skip.$mode"
    same "$name: $mode = tcprewrite --fixlen=$mode" \
      <(records "$t/$mode.tr.pcap" "$t/skip.$mode") <(records "$t/$mode.pcap" "$t/skip.$mode")
    check "$name: $mode: no UDP length past the packet" test -z "$(badlen "$t/$mode.pcap")"
    check "$name: $mode: no bad checksum" test -z "$(bad_cksums "$t/$mode.pcap")"
  done
  check "$name: pad: every record whole" \
    test -z "$(tshark -r "$t/pad.pcap" -T fields -e frame.cap_len -e frame.len 2>/dev/null | awk '$1 != $2')"
  check "$name: pad: the wire lengths as they were" \
    cmp -s <(tshark -r "$f" -T fields -e frame.len 2>/dev/null) <(tshark -r "$t/pad.pcap" -T fields -e frame.len 2>/dev/null)
  run_pktlua -r "$f" -w "$t/drop.pcap" -f "$EXAMPLES/fixlen.lua" -a mode=drop
  check "$name: drop: only the $(( $(count "$f") - cut )) whole packets left" \
    test "$(count "$t/drop.pcap")" -eq $(( $(count "$f") - cut ))
done
[ "$CORPUS" = generated ] && check "captures cut short compared: $n" test "$n" -ge 3

run_pktlua -r "$CAP_LONG" -w "$t/bad.pcap" -f "$EXAMPLES/fixlen.lua" -a mode=cut
check "-a mode=cut: exit 2" test $? -eq 2
check "-a mode=cut: said so" grep -q "fixlen.lua: -a mode=cut" "$LAST_ERR"

finish
