#!/usr/bin/env bash
# lua/examples/dup.lua: every packet to the default output unchanged, the
# share asked for mirrored to another output (evenly spread: share=25 is
# packets 4, 8, ...), to=default doubling them; bad arguments refused.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need tshark tcpdump
TMP=$(tmp)
LAST_ERR=$TMP/err
DUP=$EXAMPLES/dup.lua
in=$CAP_MIXED
total=$(count "$in")
frames() {
  tshark -o frame.generate_md5_hash:TRUE -r "$1" -T fields \
    -e frame.time_epoch -e frame.len -e frame.md5_hash 2>/dev/null
}
frames "$in" > "$TMP/in"

for share in 25 12.5 100 0; do
  run_pktlua -r "$in" -f "$DUP" -a share=$share -w "$TMP/all.pcap" -w mirror="$TMP/m.pcapng"
  check "share=$share: exit 0" test $? -eq 0
  same "share=$share: the default output is the input" "$TMP/in" <(frames "$TMP/all.pcap")
  # packet n is mirrored when n * share crosses a multiple of 100
  awk -v s="$share" '{ n++; if (int(n * s * 100 + 0.5) % 10000 < int(s * 100 + 0.5)) print }' \
    "$TMP/in" > "$TMP/want"
  [ "$share" = 0 ] && : > "$TMP/want"
  same "share=$share: the mirror has the packets chosen ($(wc -l < "$TMP/want"))" \
    "$TMP/want" <(frames "$TMP/m.pcapng")
done
run_pktlua -r "$in" -f "$DUP" -a share=50 -a to=default -w "$TMP/d.pcap"
awk '{ n++; print; if (n % 2 == 0) print }' "$TMP/in" > "$TMP/want"
same "to=default: every second packet twice" "$TMP/want" <(frames "$TMP/d.pcap")
"$PKTLUA" -r "$in" -f "$DUP" -a share=10 -w "$TMP/all.pcap" -w mirror="$TMP/m.pcap" 2>"$TMP/err"
check "the summary" grep -q "^dup.lua: $((total / 10)) of $total packets mirrored to mirror" "$TMP/err"
run_pktlua -r "$in" -f "$DUP" -a share=101 -w "$TMP/x.pcap"; rc=$?
check "share=101: exit 2" test $rc -eq 2 -a -n "$(grep 'not a percentage' "$TMP/err")"
run_pktlua -r "$in" -f "$DUP" -w "$TMP/x.pcap"; rc=$?
check "no mirror output: said, a script error's exit status 3" \
  test $rc -eq 3 -a -n "$(grep "no output named 'mirror'" "$TMP/err")"
finish
