#!/usr/bin/env bash
# -G SECONDS (rotate.c, sink_file.c) on the packets' own clock
# (PKTLUA_ROTATE_CLOCK=packet, the testing clock): files start on
# multiples of SECONDS whatever the time of the first packet (no drift,
# tcpdump #857), a period without packets still gets its file, empty but
# whole (tcpdump #1170: a quiet period is told apart from a gap), names
# by strftime of the period's start; with -C the number starts again in
# each period (tcpdump #352); a name without a date numbers its files
# instead of overwriting them; -W keeps the newest; a clock that steps
# back keeps the current file; pcap and pcapng. Then the wall clock with
# -G 1 through a FIFO: names on whole seconds, none missing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rot.sh"
export TZ=UTC
timed "$TMP/t.pcap"
check "the timed capture has 8 packets" test "$(count "$TMP/t.pcap")" -eq 8


for ext in pcap pcapng; do
  d=$TMP/g-$ext; mkdir -p "$d"
  PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/t.pcap" -G 10 -w "$d/g-%H%M%S.$ext"
  check "$ext -G 10: exit 0" test $? -eq 0
  got=$(list "$d")
  check "$ext -G 10: a whole file per period, the quiet ones empty ($got)" \
    test "$got" = "g-220000.$ext:3 g-220010.$ext:0 g-220020.$ext:0 g-220030.$ext:2 g-220040.$ext:1 g-220050.$ext:0 g-220100.$ext:2 "

  # -G 30: 0..29 | 30..59 | 60..: anchored on :00 and :30, not on the
  # first packet
  d=$TMP/g30-$ext; mkdir -p "$d"
  PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/t.pcap" -G 30 -w "$d/%M%S.$ext"
  got=$(list "$d")
  check "$ext -G 30: periods anchored on the clock ($got)" \
    test "$got" = "0000.$ext:3 0030.$ext:3 0100.$ext:2 "

  # -G with -C: the number starts again in each period
  d=$TMP/gc-$ext; mkdir -p "$d"
  PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/t.pcap" -G 30 -C 2k -w "$d/%M%S.$ext"
  got=$(list "$d")
  first=$(ls "$d" | grep -c "^0000\.$ext")
  check "$ext -G 30 -C 2k: several files in the first period ($got)" test "$first" -ge 2
  check "$ext -G 30 -C 2k: the number starts again in the next period" \
    test -e "$d/0030.$ext" -a -e "$d/0030.${ext}1"
  check "$ext -G 30 -C 2k: no number goes on from the last period" \
    test ! -e "$d/0030.$ext$first"
  check "$ext -G 30 -C 2k: 8 packets, every file whole" \
    test "$(echo "$got" | tr ' ' '\n' | grep -v TORN | cut -d: -f2 | awk '{ s += $1 } END { print s }')" -eq 8
done

# no date in the name: numbered, never overwritten
d=$TMP/nodate; mkdir -p "$d"
PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/t.pcap" -G 10 -w "$d/o.pcap"
got=$(list "$d")
check "-G without a date in the name: numbered files ($got)" \
  test "$got" = "o.pcap:3 o.pcap1:0 o.pcap2:0 o.pcap3:2 o.pcap4:1 o.pcap5:0 o.pcap6:2 "

# -W 3 with -G: the three newest periods
d=$TMP/keep; mkdir -p "$d"
PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/t.pcap" -G 10 -W 3 -w "$d/g-%H%M%S.pcap"
got=$(list "$d")
check "-G 10 -W 3: the three newest files ($got)" \
  test "$got" = "g-220040.pcap:1 g-220050.pcap:0 g-220100.pcap:2 "

# a gap of many periods: the empty files are made up to -W only
d=$TMP/gap; mkdir -p "$d"
PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/t.pcap" -G 1 -W 4 -w "$d/%M%S.pcap"
got=$(list "$d")
check "-G 1 -W 4 over gaps of 20 s: the last four seconds ($got)" \
  test "$got" = "0103.pcap:0 0104.pcap:0 0105.pcap:1 0106.pcap:1 "

# a clock stepped back stays in the current file
"$PKTLUA" -q -r "$TMP/t.pcap" -w "$TMP/back.pcap" -e '
  local t = {0, 15, 3, 16, 25, 8, 31, 32} local i = 0
  function packet (p, info) i = i + 1 info.sec = 1699999200 + t[i] end'
d=$TMP/back; mkdir -p "$d"
PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/back.pcap" -G 10 -w "$d/%M%S.pcap"
got=$(list "$d")
check "a time going back stays in the current file ($got)" \
  test "$got" = "0000.pcap:1 0010.pcap:3 0020.pcap:2 0030.pcap:2 "

# the wall clock: -G 1 through a FIFO, a pause of 2.5 s between two
# halves of the capture: names on whole seconds (%s), one per second from
# the first to the last, none missing, the quiet ones empty
mkfifo "$TMP/fifo"
d=$TMP/wall; mkdir -p "$d"
editcap -F pcap -r "$CAP_MIXED" "$TMP/a.pcap" 1-10 >/dev/null 2>&1
editcap -F pcap -r "$CAP_MIXED" "$TMP/b.pcap" 11-20 >/dev/null 2>&1
"$PKTLUA" -q -r "$TMP/fifo" -G 1 -w "$d/%s.pcap" 2>"$TMP/err" &
pid=$!
{ cat "$TMP/a.pcap"; sleep 2.5; tail -c +25 "$TMP/b.pcap"; } > "$TMP/fifo"
wait $pid
check "wall clock: exit 0" test $? -eq 0
names=$(cd "$d" && ls | sed 's/\.pcap$//' | sort -n)
first=$(echo "$names" | head -1); last=$(echo "$names" | tail -1)
check "wall clock: at least three seconds ($first..$last)" test $((last - first)) -ge 2
check "wall clock: a file for every second from the first to the last" \
  test "$(echo "$names" | wc -l)" -eq $((last - first + 1))
sum=0; torn=0; empty=0
for f in "$d"/*; do
  n=$(packets "$f"); sum=$((sum + n)); [ "$n" -eq 0 ] && empty=$((empty + 1))
  whole "$f" || torn=$((torn + 1))
done
check "wall clock: 20 packets, every file whole" test $sum -eq 20 -a $torn -eq 0
check "wall clock: the quiet seconds have empty files ($empty)" test $empty -ge 1
finish
