#!/usr/bin/env bash
# The progress line: on a terminal when reading a file, never with -q or
# when stderr is not a terminal. And a second SIGTERM interrupts a script
# stuck in a loop.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
long_capture "$TMP/long.pcap" 4
slow='function packet() for k = 1, 3000 do end end'
if command -v script >/dev/null; then
  script -qfc "'$PKTLUA' -r '$TMP/long.pcap' -e '$slow'" /dev/null > "$TMP/tty.txt" 2>&1
  check "a terminal gets the progress line (percent, packets/s)" \
    grep -aq "pktlua: *[0-9.]*%  [0-9]* packets  [0-9]* packets/s" "$TMP/tty.txt"
  check "the line is cleared before the summary" grep -aq $'\r\033\\[K'"pktlua: [0-9]* packets read" "$TMP/tty.txt"
  script -qfc "'$PKTLUA' -q -r '$TMP/long.pcap' -e '$slow'" /dev/null > "$TMP/tty.txt" 2>&1
  check "-q: no progress line, no summary" test ! -s "$TMP/tty.txt"
else
  echo "no script(1): terminal part skipped"
fi
"$PKTLUA" -r "$TMP/long.pcap" -e "$slow" 2> "$TMP/err"
check "not a terminal: only the summary" test "$(wc -l < "$TMP/err")" -eq 1 -a -z "$(grep '%' "$TMP/err")"

# stuck in packet(): the first SIGTERM waits for the packet, the second
# interrupts it, and the run ends cleanly
start_marked "$TMP/err" -r "$TMP/long.pcap" -w "$TMP/o.pcap" --stats=json \
  -e 'function packet() io.open(os.getenv("MARK"), "w"):close() while true do end end'
kill -TERM $pid; sleep 0.3
check "one SIGTERM does not break into a running packet()" kill -0 $pid
kill -TERM $pid
ended $pid 2
wait $pid; rc=$?
check "the second one does: exit 3 (the interrupted call is a script error)" test $rc -eq 3
check "reported as interrupted at its line" grep -q "(command line):1: interrupted (packet 1)" "$TMP/err"
check "counted; the output is complete" \
  test "$(jsonfield "$TMP/err" errors)" -eq 1 -a "$(count "$TMP/o.pcap")" -eq "$(jsonfield "$TMP/err" passed)"
finish
