#!/usr/bin/env bash
# Signals, limits and script errors keep their meaning with --workers:
# SIGTERM at any moment leaves complete files holding exactly the packets
# reported as passed (the first ones of a whole run's output); SIGHUP
# reloads the script in every worker; SIGUSR1 reports; the limits and the
# fail-safe rules hold per worker, with one worker's exit status.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
need tcpdump
t=$(tmp)
"$PKTGEN" --flows 20000 -w "$t/flows.pcap" >/dev/null
# a field of the totals of a --stats=json line (not the per-worker ones)
total() { sed 's/,"workers":\[.*//' "$1" | grep -o "\"$2\":[0-9]*" | tail -1 | cut -d: -f2; }
# a script slow enough for a signal to find it at work
SLOW='
local n = 0
function packet (pkt, info)
  for i = 1, 2000 do n = n + i end
  return info.len % 7 ~= 0
end'

"$PKTLUA" -q -r "$t/flows.pcap" -e "$SLOW" -w "$t/full.pcap"
all=$(count "$t/full.pcap")
check "the whole run wrote packets ($all)" [ "$all" -gt 1000 ]

# SIGTERM at random moments
tries=${WORKERS_SIGTERM_TRIES:-8}
for i in $(seq "$tries"); do
  delay=$(awk -v s=$RANDOM 'BEGIN { srand(s); printf "%.2f", 0.05 + rand() * 0.6 }')
  "$PKTLUA" -q -r "$t/flows.pcap" --workers 2 -e "$SLOW" -w "$t/cut.pcap" \
    --stats=json 2>"$t/json" &
  pid=$!
  sleep "$delay"
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
  passed=$(total "$t/json" passed)
  n=$(count "$t/cut.pcap")
  check "SIGTERM after ${delay}s: exit 0 ($rc)" [ "$rc" = 0 ]
  check "SIGTERM after ${delay}s: $n packets in the file, $passed reported" \
    [ "$n" = "$passed" ]
  size=$(stat -c %s "$t/cut.pcap")
  check "SIGTERM after ${delay}s: the file is the start of the whole run's" \
    cmp -s -n "$size" "$t/cut.pcap" "$t/full.pcap"
  check "SIGTERM after ${delay}s: tcpdump reads it whole" \
    sh -c "tcpdump -r '$t/cut.pcap' -w /dev/null 2>&1 | grep -vq -i 'truncated'"
done

# lines FILE N: wait until FILE has N lines (or more)
lines() {
  local i
  for i in $(seq 400); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# SIGHUP: every worker's script starts again (its chunk runs once more);
# the input read over and over (--loop=0) until SIGTERM
"$PKTLUA" -r "$t/flows.pcap" --loop=0 --workers 3 -a mark="$t/chunks" \
  -w "$t/hup.pcap" --stats=json -e "
  local f = io.open(arg.mark, 'a'); f:write('chunk\\n'); f:close()
  $SLOW" 2>"$t/err" &
pid=$!
lines "$t/chunks" 3
kill -HUP "$pid"
check "SIGHUP with 3 workers: 3 chunks, then 3 more" lines "$t/chunks" 6
kill -TERM "$pid"
wait "$pid"
rc=$?
check "SIGHUP, then SIGTERM: exit 0 ($rc)" [ "$rc" = 0 ]
check "SIGHUP: 6 chunks in all ($(wc -l <"$t/chunks"))" [ "$(wc -l <"$t/chunks")" = 6 ]
check "SIGHUP: reloaded said" grep -q 'script reloaded' "$t/err"
check "SIGHUP: the output holds the packets passed" \
  [ "$(count "$t/hup.pcap")" = "$(total "$t/err" passed)" ]

# SIGUSR1: a report while running, then the summary at the end
"$PKTLUA" -r "$t/flows.pcap" --loop=0 --workers 2 -e "$SLOW" -w /dev/null \
  2>"$t/err" &
pid=$!
sleep 0.2
kill -USR1 "$pid"
check "SIGUSR1 with 2 workers: a report" lines "$t/err" 1
kill -TERM "$pid"
wait "$pid"
check "SIGUSR1 with 2 workers: a report and the summary" \
  [ "$(grep -c 'packets read' "$t/err")" = 2 ]

# script errors: counted as with one worker, exit 3, the same output
ERR='
function packet (pkt, info)
  if info.flow % 7 == 0 then error("flow " .. info.flow % 3) end
  return info.len % 2 == 0
end'
"$PKTLUA" -q -r "$t/flows.pcap" -e "$ERR" -w "$t/e1.pcap" --stats=json 2>"$t/j1"
rc1=$?
"$PKTLUA" -q -r "$t/flows.pcap" --workers 2 -e "$ERR" -w "$t/e2.pcap" --stats=json 2>"$t/j2"
rc2=$?
check "script errors: exit 3 with 1 ($rc1) and 2 workers ($rc2)" [ "$rc1$rc2" = 33 ]
check "script errors: counted alike" [ "$(total "$t/j1" errors)" = "$(total "$t/j2" errors)" ]
same "script errors: the same output" "$t/e1.pcap" "$t/e2.pcap"
# --on-error=abort: the run ends at the first error, in input order
"$PKTLUA" -q -r "$t/flows.pcap" --on-error=abort -e "$ERR" -w "$t/a1.pcap" 2>/dev/null
rc1=$?
"$PKTLUA" -q -r "$t/flows.pcap" --on-error=abort --workers 2 -e "$ERR" -w "$t/a2.pcap" 2>/dev/null
rc2=$?
check "abort: exit 3 with 1 ($rc1) and 2 workers ($rc2)" [ "$rc1$rc2" = 33 ]
same "abort: the same output" "$t/a1.pcap" "$t/a2.pcap"
# a script failing on every packet is stopped, in every worker
"$PKTLUA" -q -r "$t/flows.pcap" --workers 2 -e 'function packet () error("typo") end' \
  -w "$t/typo.pcap" 2>"$t/err"
check "a script failing on each packet: exit 3" [ $? = 3 ]
check "a script failing on each packet: stopped" grep -q 'stopped' "$t/err"

# the limits are per worker
"$PKTLUA" -q -r "$t/flows.pcap" --workers 2 --max-instructions=1000 -w "$t/l.pcap" \
  --on-error=pass --stats=json -e '
  function packet (p, info) if info.len % 3 == 0 then while true do end end end' 2>"$t/err"
check "--max-instructions with 2 workers: exit 0 with --on-error=pass" [ $? = 0 ]
check "--max-instructions with 2 workers: the limit said" grep -q 'instruction limit exceeded' "$t/err"
check "--max-instructions with 2 workers: every packet written" [ "$(count "$t/l.pcap")" = "$(count "$t/flows.pcap")" ]
"$PKTLUA" -q -r "$t/flows.pcap" --workers 2 --max-lua-memory=2m -e '
  local keep = {}
  function packet (p, info) keep[#keep + 1] = string.rep("x", 1000) end' \
  -w /dev/null --stats=json 2>"$t/err"
check "--max-lua-memory with 2 workers: exit 3" [ $? = 3 ]
check "--max-lua-memory: said" grep -q 'not enough memory' "$t/err"
mem=$(total "$t/err" lua_memory)
check "--max-lua-memory: each worker under its cap, the sum over one ($mem)" \
  [ "$mem" -gt 2097152 ] && [ "$mem" -lt $((2 * 2097152 + 2 * 1048576)) ]
finish
