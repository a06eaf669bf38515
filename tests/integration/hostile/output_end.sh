#!/usr/bin/env bash
# The output's end (issue 11, items 8 and 9). -w - into a reader that stops
# early (head -c, tcpdump -c): pktlua stops reading, runs finish(), prints
# its statistics and exits 0, instead of dying of SIGPIPE. SIGUSR1's report
# counts as passed only what the output holds.
. "$(dirname "$0")/../lib.sh"
need tcpdump
need_pktlua
need_pktgen
t=$(tmp)
"$PKTGEN" --udp64 200000 -w "$t/in.pcap" || die "pktgen failed"
script='function packet () return true end
function finish () io.stderr:write("finish ran\n") end'

for reader in "head -c 100" "tcpdump -r - -c 5"; do
  "$PKTLUA" --stats=json -r "$t/in.pcap" -w - -e "$script" 2>"$t/err" |
    $reader > "$t/out" 2>/dev/null
  rc=${PIPESTATUS[0]}
  stats_of "$t/err"
  what="| $reader (read $read, passed $passed, failed $failed)"
  check "$what: exit 0 (got $rc)" [ "$rc" -eq 0 ]
  check "$what: statistics printed" [ -n "$read" ]
  check "$what: finish() ran" grep -q '^finish ran' "$t/err"
  check "$what: no error line" [ -z "$(grep '^pktlua:' "$t/err")" ]
  check "$what: stopped reading" [ "${read:-200000}" -lt 200000 ]
  check "$what: read = passed + failed" [ "${read:-0}" -eq $(( ${passed:-0} + ${failed:-0} )) ]
done
check "tcpdump -c 5 printed 5 packets" [ "$(grep -c . "$t/out")" -eq 5 ]

# SIGUSR1 during a slow run: the report's passed packets are in the file
start_marked "$t/err" --stats=json -r "$t/in.pcap" -w "$t/o.pcap" -e "$(mark_script 3000)"
kill -USR1 $pid
wait_grep "$t/err" '^{'
size=$(stat -c %s "$t/o.pcap")
kill -TERM $pid; wait $pid
reported=$(grep '^{' "$t/err" | head -1 | grep -o '"passed":[0-9]*' | cut -d: -f2)
check "SIGUSR1: the $reported passed packets reported are in the file ($size bytes)" \
  [ "$size" -ge $((24 + 80 * ${reported:-1})) ]
finish
