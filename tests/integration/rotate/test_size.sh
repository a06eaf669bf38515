#!/usr/bin/env bash
# -C SIZE (rotate.c, sink_file.c): a long capture cut into files that
# each stay within SIZE (a record is never split: only a file holding a
# single record may pass it), each a whole capture tshark and capinfos
# read, together the input's packets in order; named as tcpdump names
# them (FILE, FILE1, FILE2...); -W COUNT keeps the COUNT newest as a ring
# FILE0..FILE{COUNT-1}; tcpdump's units (a bare number is millions of
# bytes); pcap and pcapng alike; misuse is a usage error.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rot.sh"
want=$(count "$CAP_LONG")

for ext in pcap pcapng; do
  d=$TMP/$ext; mkdir -p "$d"
  run_pktlua -r "$CAP_LONG" -w "$d/o.$ext" -C 100k
  check "$ext -C 100k: exit 0" test $? -eq 0
  mapfile -t files < <(ordered "$d/o.$ext")
  check "$ext -C 100k: several files (${#files[@]})" test "${#files[@]}" -ge 3
  check "$ext -C 100k: the files are o.$ext, o.${ext}1, ... and nothing else" \
    test "$(ls "$d" | wc -l)" -eq "${#files[@]}"
  total=0; big=0; broken=0
  for f in "${files[@]}"; do
    n=$(packets "$f"); total=$((total + n))
    whole "$f" || { broken=$((broken + 1)); echo "torn: $f" >&2; }
    [ "$(stat -c %s "$f")" -le 102400 ] || [ "$n" -eq 1 ] || big=$((big + 1))
  done
  check "$ext -C 100k: every file whole" test $broken -eq 0
  check "$ext -C 100k: no file of several packets over 100 KiB" test $big -eq 0
  check "$ext -C 100k: the last but one file is full (a packet more would pass)" \
    test "$(stat -c %s "${files[-2]}")" -gt $((102400 - 1600))
  check "$ext -C 100k: every packet once ($total of $want)" test "$total" -eq "$want"
  for f in "${files[@]}"; do dump "$f"; done > "$TMP/got"
  same "$ext -C 100k: the files, in order, are the input" <(dump "$CAP_LONG") "$TMP/got"

  # -W 3 with -C: tcpdump's ring o.ext0 o.ext1 o.ext2, holding the last
  # three files of the same run without -W
  w=$TMP/$ext-ring; mkdir -p "$w"
  run_pktlua -r "$CAP_LONG" -w "$w/o.$ext" -C 100k -W 3
  check "$ext -W 3: exit 0" test $? -eq 0
  check "$ext -W 3: three files, o.${ext}0..2" \
    test "$(cd "$w" && ls | tr '\n' ' ')" = "o.${ext}0 o.${ext}1 o.${ext}2 "
  n=${#files[@]}
  for i in $((n - 3)) $((n - 2)) $((n - 1)); do
    same "$ext -W 3: o.$ext$((i % 3)) is the run's file $i" "${files[$i]}" "$w/o.$ext$((i % 3))"
  done
done

# a record is never split: with -C 1k, files of one packet may pass the
# limit, files of more do not
d=$TMP/tiny; mkdir -p "$d"
run_pktlua -r "$CAP_LONG" -c 200 -w "$d/o.pcap" -C 1k
check "-C 1k: exit 0" test $? -eq 0
mapfile -t files < <(ordered "$d/o.pcap")
good=0; over=0
for f in "${files[@]}"; do
  n=$(packets "$f"); s=$(stat -c %s "$f")
  [ "$s" -gt 1024 ] && [ "$n" -eq 1 ] && over=$((over + 1))
  whole "$f" && { [ "$s" -le 1024 ] || [ "$n" -eq 1 ]; } && good=$((good + 1))
done
check "-C 1k: every file whole, within 1k or a single packet" test $good -eq "${#files[@]}"
check "-C 1k: some packets are alone in a file over the limit ($over)" test $over -gt 0
check "-C 1k: 200 packets in all" \
  test "$(for f in "${files[@]}"; do packets "$f"; done | awk '{ s += $1 } END { print s }')" -eq 200

# a pcapng input of several interfaces and link types: each file begins
# with the interfaces known so far, the packets keep theirs
d=$TMP/ifaces; mkdir -p "$d"
run_pktlua -r "$CAP_NG_MIXED" -w "$d/o.pcapng" -C 1k
check "pcapng of several interfaces -C 1k: exit 0" test $? -eq 0
mapfile -t files < <(ordered "$d/o.pcapng")
check "pcapng of several interfaces: several files (${#files[@]})" test "${#files[@]}" -ge 2
ifview() {
  tshark -r "$1" -T fields -e frame.interface_id -e frame.time_epoch \
    -e frame.len 2>/dev/null
}
for f in "${files[@]}"; do ifview "$f"; done > "$TMP/got"
same "pcapng of several interfaces: interfaces, times, lengths kept" \
  <(ifview "$CAP_NG_MIXED") "$TMP/got"

# tcpdump's unit: -C 1 is 1,000,000 bytes (not 1 MiB); k/m/g are binary
long_capture "$TMP/long.pcap" 2
d=$TMP/mega; mkdir -p "$d"
run_pktlua -r "$TMP/long.pcap" -w "$d/o.pcap" -C 1
s=$(stat -c %s "$d/o.pcap")
check "-C 1: the first file is within 1,000,000 bytes and nearly full ($s)" \
  test "$s" -le 1000000 -a "$s" -gt 990000
rm -f "$d"/*
run_pktlua -r "$TMP/long.pcap" -w "$d/o.pcap" -C 1m
s=$(stat -c %s "$d/o.pcap")
check "-C 1m: the first file is within 1 MiB and over 1,000,000 bytes ($s)" \
  test "$s" -le 1048576 -a "$s" -gt 1000000

# misuse: exit 2 with a reason, nothing written
for args in "-C 0" "-C 10x" "-C -5" "-W 3" "-G 0" "-W 0 -C 1" "-z ''"; do
  eval "run_pktlua -r \"\$CAP_LONG\" -w \"\$TMP/u.pcap\" $args"
  rc=$?
  check "$args: usage error (exit $rc)" test $rc -eq 2
done
run_pktlua -r "$CAP_LONG" -w - -C 1k > /dev/null
check "-C with -w -: usage error" test $? -eq 2
grep -q "standard output" "$TMP/err"; check "-w - -C: says why" test $? -eq 0
run_pktlua -r "$CAP_LONG" -C 1k
check "-C without -w: usage error" test $? -eq 2
check "misuse wrote nothing" test ! -e "$TMP/u.pcap"
finish
