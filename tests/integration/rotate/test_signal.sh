#!/usr/bin/env bash
# SIGTERM and SIGINT in the middle of a rotating run: exit 0, every file
# whole (the last one too, ended where the run stopped), together exactly
# the packets counted as passed, in order, and -z run on the last file;
# pcap and pcapng, -C and -G (wall clock) at once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rot.sh"
long_capture "$TMP/long.pcap" 3
slow=$(mark_script 3000)

for run in "TERM pcap" "INT pcapng"; do
  set -- $run; sig=$1; ext=$2
  d=$TMP/$ext; mkdir -p "$d"; rm -f "$TMP/log"
  start_marked "$TMP/err" -r "$TMP/long.pcap" -w "$d/o-%s.$ext" -C 64k -G 1 \
    -z "echo >> $TMP/log" --stats=json -e "$slow"
  kill -"$sig" $pid
  wait $pid; rc=$?
  stats_of "$TMP/err"
  check "SIG$sig $ext: exit 0" test $rc -eq 0
  check "SIG$sig $ext: stopped in the middle ($read read)" \
    test "$read" -ge 3000 -a "$read" -lt "$(count "$TMP/long.pcap")"
  nfiles=$(ls "$d" | wc -l); torn=0; sum=0
  # in the order written: by the second in the name, then the number
  mapfile -t files < <(cd "$d" && ls | sed "s/^o-\([0-9]*\)\.$ext\([0-9]*\)$/\1 \2 &/" |
                       sort -k1,1n -k2,2n | awk '{ print $NF }')
  for f in "${files[@]}"; do
    whole "$d/$f" || { torn=$((torn + 1)); echo "torn: $f" >&2; }
    sum=$((sum + $(packets "$d/$f")))
  done
  check "SIG$sig $ext: several files ($nfiles)" test "$nfiles" -ge 2
  check "SIG$sig $ext: every file whole" test $torn -eq 0
  check "SIG$sig $ext: the files hold the passed packets ($sum of $passed)" test "$sum" -eq "$passed"
  for f in "${files[@]}"; do dump "$d/$f"; done > "$TMP/got"
  same "SIG$sig $ext: the first packets of the input, in order" \
    <(dump "$TMP/long.pcap" | head -n "$passed") "$TMP/got"
  check "SIG$sig $ext: -z ran on every file, the last one too" \
    test "$(wc -l < "$TMP/log")" -eq "$nfiles"
done
finish
