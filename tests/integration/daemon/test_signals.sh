#!/usr/bin/env bash
# Signals in the middle of a long replay: SIGTERM/SIGINT stop cleanly with a
# complete output holding exactly the packets counted as passed; SIGUSR1
# prints the stats; SIGHUP reloads the script (or keeps it if the new one
# does not load) without losing a packet.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
long_capture "$TMP/long.pcap"
total=$(count "$TMP/long.pcap")
# drops every third packet; signals come once packet 1000 has run
slow=$(mark_script 1000 5000 'n % 3 ~= 0')

for sig in TERM INT; do
  start_marked "$TMP/err" -r "$TMP/long.pcap" -w "$TMP/o.pcap" --stats=json -e "$slow"
  kill -"$sig" $pid
  wait $pid; rc=$?
  stats_of "$TMP/err"
  check "SIG$sig: exit 0" test $rc -eq 0
  check "SIG$sig: stopped in the middle ($read of $total)" test "$read" -gt 0 -a "$read" -lt "$total"
  check "SIG$sig: read = passed + dropped" test "$read" -eq $((passed + dropped))
  check "SIG$sig: the output is complete (no truncation)" complete "$TMP/o.pcap"
  check "SIG$sig: the output holds exactly the passed packets" test "$(count "$TMP/o.pcap")" -eq "$passed"
  check "SIG$sig: they are the first ones not dropped" \
    cmp -s <(dump "$TMP/o.pcap") <(dump "$TMP/long.pcap" | head -n "$read" | awk 'NR % 3 != 0')
done

# SIGTERM while the script's own start-up code still runs: a clean stop
# before the first packet, not a kill (the handlers are in place first)
cat > "$TMP/slowstart.lua" <<'LUA'
io.open(os.getenv("MARK"), "w"):close()
local t = os.clock() + 1.5
while os.clock() < t do end
function packet() return true end
LUA
start_marked "$TMP/err" -r "$TMP/long.pcap" -w "$TMP/o.pcap" --stats=json -f "$TMP/slowstart.lua"
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM during start-up: exit 0" test $rc -eq 0
check "SIGTERM during start-up: no packet read" test "$(jsonfield "$TMP/err" read)" = 0
check "SIGTERM during start-up: an empty output" test "$(count "$TMP/o.pcap")" -eq 0
check "SIGTERM during start-up: a complete output" complete "$TMP/o.pcap"

# SIGUSR1: stats now, the run goes on
start_marked "$TMP/err" -r "$TMP/long.pcap" -e "$slow"
kill -USR1 $pid; sleep 0.3; kill -TERM $pid; wait $pid
check "SIGUSR1 prints the stats during the run" test "$(grep -c 'packets read' "$TMP/err")" -eq 2

# SIGHUP: v1 passes everything, v2 drops everything, v3 does not compile
{ mark_script 1000 5000
  echo 'function finish() io.stderr:write("finish v1 after ", n, "\n") end'
} > "$TMP/s.lua"
start_marked "$TMP/err" -r "$TMP/long.pcap" -w "$TMP/o.pcap" --stats=json -f "$TMP/s.lua"
cat > "$TMP/s.lua" <<'LUA'
local n = 0
io.open(os.getenv("MARK") .. "2", "w"):close()
function packet() n = n + 1; for k = 1, 5000 do end; return false end
function finish() io.stderr:write("finish v2 after ", n, "\n") end
LUA
kill -HUP $pid
wait_for "$MARK"2
sleep 0.2
printf 'function packet( return end\n' > "$TMP/s.lua"
kill -HUP $pid
sleep 0.3
kill -TERM $pid; wait $pid; rc=$?
stats_of "$TMP/err"
v1=$(sed -n 's/^finish v1 after //p' "$TMP/err"); v2=$(sed -n 's/^finish v2 after //p' "$TMP/err")
check "SIGHUP: exit 0" test $rc -eq 0
check "SIGHUP: says the script was reloaded" grep -q "script reloaded" "$TMP/err"
check "SIGHUP: the old script's finish ran at the reload" test -n "$v1"
check "SIGHUP: a reload that does not compile keeps the script and says why" \
  grep -q "reload failed, the running script stays: .*s.lua:1:" "$TMP/err"
check "SIGHUP: v1 passed, v2 dropped ($passed/$dropped)" test "$passed" -eq "$v1" -a "$dropped" -eq "$v2"
check "SIGHUP: no packet lost (read = v1 + v2)" test "$read" -eq $((v1 + v2))
check "SIGHUP: the output holds the passed packets" test "$(count "$TMP/o.pcap")" -eq "$passed"
finish
