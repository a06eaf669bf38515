#!/usr/bin/env bash
# ttl.lua over every capture (the corpus and captures/): exit 0; the
# packets with TTL / hop limit <= 1 dropped, every other IP packet one hop
# less (tshark), header checksums valid after iff valid before and transport
# checksums untouched (tcpdump -vv); packets without a whole IP header, and
# non-IP packets, byte for byte unchanged (tcpdump -xx).
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark mergecap capinfos
need_pktlua
t=$(tmp)
LAST_ERR=$t/err
ncap=0

# first every run, then one tshark pass over the inputs and one over the
# outputs, merged (mergecap -a), split again by packet counts
files=() i=0
mkdir "$t/o" "$t/e"
for f in $(captures); do
  name=$(basename "$f")
  i=$((i + 1))
  if ! run_pktlua -r "$f" -w "$t/o/$i.pcap" -f "$EXAMPLES/ttl.lua"; then
    bad "$name: ttl.lua run failed: $(cat "$LAST_ERR")"
    continue
  fi
  ok
  cp "$LAST_ERR" "$t/e/$i"
  files+=("$i:$f")
done
mergecap -a -w "$t/in.pcapng" "${files[@]#*:}" || die "mergecap failed"
outs=(); for x in "${files[@]}"; do outs+=("$t/o/${x%%:*}.pcap"); done
mergecap -a -w "$t/out.pcapng" "${outs[@]}" || die "mergecap failed"
ip_frames "$t/in.pcapng" >"$t/in.all"
ip_frames "$t/out.pcapng" >"$t/out.all"
offin=0 offout=0
count() { capinfos -T -r -c -M "$1" | cut -f2; }
# slice ALL OFFSET N: lines OFFSET+1..OFFSET+N, frame numbers from 1
slice() { awk -F'\t' -v OFS='\t' -v a="$2" -v n="$3" 'NR > a && NR <= a + n { $1 -= a; print }' "$1"; }

for x in "${files[@]}"; do
  i=${x%%:*} f=${x#*:}
  name=$(basename "$f")
  ncap=$((ncap + 1))
  out=$t/o/$i.pcap
  cp "$t/e/$i" "$LAST_ERR"
  a=$(count "$f") b=$(count "$out")
  slice "$t/in.all" "$offin" "$a" >"$t/in.tsv"
  slice "$t/out.all" "$offout" "$b" >"$t/out.tsv"
  offin=$((offin + a)) offout=$((offout + b))
  # expectation per input frame: drop, decrement (hops - 1) or same bytes
  awk -F'\t' -v OFS='\t' '
    ($2 == 4 || $2 == 6) && $3 <= 1 { next }             # expired: dropped
    $2 == 4 || $2 == 6 { print $1, "dec", $2, $3 - 1; next }
    { print $1, "same" }' "$t/in.tsv" >"$t/expect"
  nin=$(wc -l <"$t/in.tsv"); nexp=$(wc -l <"$t/expect"); nout=$(wc -l <"$t/out.tsv")
  check "$name: $nexp of $nin packets kept, output has $nout" [ "$nexp" -eq "$nout" ]
  [ "$nexp" -eq "$nout" ] || continue
  # the ttl.lua summary agrees with tshark's view of the input
  ndec=$(grep -c $'\tdec\t' "$t/expect"); nsame=$(grep -c $'\tsame' "$t/expect")
  check "$name: summary says $ndec decremented, $((nin - nexp)) expired, $nsame unchanged ($(cat "$LAST_ERR"))" \
    grep -Eq "decremented ([0-9]+) IPv4 \+ ([0-9]+) IPv6" "$LAST_ERR"
  read -r d4 d6 ex sk < <(sed -nE 's/.*decremented ([0-9]+) IPv4 \+ ([0-9]+) IPv6, dropped ([0-9]+) expired, passed ([0-9]+) unchanged.*/\1 \2 \3 \4/p' "$LAST_ERR")
  check "$name: summary counts" [ "$((d4 + d6))" -eq "$ndec" ] && [ "${ex:-x}" -eq $((nin - nexp)) ] && [ "${sk:-x}" -eq "$nsame" ]
  # hops: output frame k is the k-th kept input frame
  bad_hops=$(paste "$t/expect" "$t/out.tsv" | awk -F'\t' '
    $2 == "dec" && ($6 != $3 || $7 != $4) { print $1 }' | head -5)
  check "$name: TTL / hop limit one less (input frames wrong: $bad_hops)" [ -z "$bad_hops" ]
  # the frames expected unchanged: compare their bytes
  tcpdump -nn -tt -xx -r "$f" 2>/dev/null | awk '/^[0-9]/ { n++ } { print n "\t" $0 }' >"$t/in.hex"
  tcpdump -nn -tt -xx -r "$out" 2>/dev/null | awk '/^[0-9]/ { n++ } { print n "\t" $0 }' >"$t/out.hex"
  paste "$t/expect" <(seq 1 "$nout") | awk -F'\t' '$2 == "same" { print $1 "\t" $NF }' >"$t/same"
  changed=""
  while IFS=$'\t' read -r i o; do
    if [ "$(awk -F'\t' -v n="$i" '$1 == n { print $2 }' "$t/in.hex" | grep $'^\t0x')" != \
         "$(awk -F'\t' -v n="$o" '$1 == n { print $2 }' "$t/out.hex" | grep $'^\t0x')" ]; then
      changed="$changed $i"
    fi
  done <"$t/same"
  check "$name: non-IP and truncated-header packets unchanged (changed:$changed)" [ -z "$changed" ]
  # checksums: the kept frames' bad IPv4 header checksums, and bad checksums
  # of any kind, are exactly those of the input
  for kind in ip any; do
    bad_cksums "$f" "$kind" | sort -n >"$t/badin"
    bad_cksums "$out" "$kind" | awk 'NR == FNR { map[FNR] = $1; next } { print map[$1] }' \
      <(cut -f1 "$t/expect") - | sort -n >"$t/badout"
    kept_badin=$(awk 'NR == FNR { k[$1] = 1; next } k[$1]' <(cut -f1 "$t/expect") "$t/badin" | tr '\n' ' ')
    check "$name: bad $kind checksums after = before (before: $kept_badin, after: $(tr '\n' ' ' <"$t/badout"))" \
      [ "$kept_badin" = "$(tr '\n' ' ' <"$t/badout")" ]
  done
done
check "ran over the captures ($ncap)" [ "$ncap" -ge 5 ]

# nanosecond input stays nanosecond
run_pktlua -r "$CAPTURES/nano.pcap" -w "$t/nano.pcap" -f "$EXAMPLES/ttl.lua" || bad "nano run"
check "nano.pcap: nanosecond timestamps kept" \
  grep -q '\.123456789 ' < <(tcpdump -nn --time-stamp-precision=nano -r "$t/nano.pcap" 2>/dev/null)

# strict=1 drops the packet whose header checksum is wrong
run_pktlua -r "$CAP_IP_BADSUM" -w "$t/s.pcap" -f "$EXAMPLES/ttl.lua" -a strict=1 \
  || bad "strict run"
check "strict=1 drops a bad header checksum" [ "$(tcpdump -nn -r "$t/s.pcap" 2>/dev/null | wc -l)" -eq 0 ]
check "strict=1 counts it" grep -q '+ 1 bad header checksum' "$LAST_ERR"
run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/s.pcap" -f "$EXAMPLES/ttl.lua" -a strict=1 || bad "strict run"
check "strict=1 keeps good packets" [ "$(tcpdump -nn -r "$t/s.pcap" 2>/dev/null | wc -l)" -eq 23 ]
finish
