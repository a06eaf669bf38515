#!/usr/bin/env bash
# finish() in every worker, merge(results) once in a fresh state: stats.lua
# prints one worker's report with 1, 2 or 4; the values that cross (and
# those that cannot); info.worker; the option's values.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
t=$(tmp)
"$PKTGEN" --flows 2000 -w "$t/flows.pcap" >/dev/null
"$PKTGEN" --mixed 1500 -w "$t/mixed.pcap" >/dev/null

# stats.lua: the same report whatever the number of workers
for cap in "$t/flows.pcap" "$t/mixed.pcap" "$CAP_MIXED" "$CAP_LONG"; do
  "$PKTLUA" -q -r "$cap" -f "$EXAMPLES/stats.lua" -a top=0 >"$t/one" 2>&1
  check "stats.lua ran over $(basename "$cap")" [ -s "$t/one" ]
  for n in 1 2 4; do
    "$PKTLUA" -q -r "$cap" -f "$EXAMPLES/stats.lua" -a top=0 --workers $n \
      >"$t/n" 2>&1
    same "stats.lua over $(basename "$cap"), --workers $n" "$t/one" "$t/n"
  done
done

# what crosses: integers, floats, strings with zeros, booleans, nesting;
# results.n; merge in a fresh state (its globals are the chunk's)
SCRIPT='
local count, bytes = 0, 0
function packet (pkt, info)
  count = count + 1
  bytes = bytes + info.len
  assert(info.worker >= 1 and info.worker <= 3)
end
function finish ()
  return { count = count, half = count / 2, name = "a\0b", yes = true,
           nested = { deeper = { count } }, [7] = "seven" }
end
function merge (results)
  local c, h = 0, 0.0
  for w = 1, results.n do
    local r = results[w]
    assert(math.type(r.count) == "integer" and math.type(r.half) == "float")
    assert(r.name == "a\0b" and r.yes == true and r[7] == "seven")
    assert(r.nested.deeper[1] == r.count)
    c, h = c + r.count, h + r.half
  end
  assert(count == 0, "merge runs in a fresh state")
  print(results.n, c, h)
end'
for n in 1 3; do
  out=$("$PKTLUA" -q -r "$t/flows.pcap" --workers $n -e "$SCRIPT" 2>"$t/err")
  rc=$?
  all=$(count "$t/flows.pcap")
  check "values cross to merge with $n workers (rc $rc: $(head -c 200 "$t/err"))" \
    [ "$rc" = 0 ]
  check "merge's sums with $n workers: $out" \
    [ "$out" = "$(printf '%s\t%s\t%s' "$n" "$all" "$(awk -v a="$all" 'BEGIN { printf "%.1f", a / 2 }')")" ]
done

# what cannot cross: an error in merge, counted, exit 3
for bad in 'function () end' 'io.stdout' '{ [{}] = 1 }' 'coroutine.create(print)'; do
  "$PKTLUA" -q -r "$t/mixed.pcap" --workers 2 -e "
    function packet () end
    function finish () return $bad end
    function merge () print('merged') end" >"$t/out" 2>"$t/err"
  rc=$?
  check "finish returning $bad: exit 3 ($rc)" [ "$rc" = 3 ]
  check "finish returning $bad: said in merge" grep -q 'merge' "$t/err"
  check "finish returning $bad: merge not run" [ ! -s "$t/out" ]
done
# a cycle
"$PKTLUA" -q -r "$t/mixed.pcap" -e '
  function packet () end
  function finish () local t = {}; t.t = t; return t end
  function merge () end' 2>"$t/err"
check "a cycle: exit 3" [ $? = 3 ]
check "a cycle: said" grep -q 'deeper' "$t/err"
# an error in merge itself
"$PKTLUA" -q -r "$t/mixed.pcap" --workers 2 -e '
  function packet () end
  function merge () error("boom") end' 2>"$t/err"
check "an error in merge: exit 3" [ $? = 3 ]
check "an error in merge: reported" grep -q 'boom (in merge)' "$t/err"
# finish everywhere, merge once
out=$("$PKTLUA" -q -r "$t/flows.pcap" --workers 3 -e '
  function packet () end
  function finish () io.write("f") end
  function merge (r) io.write(" m", r.n) end')
check "finish in each of 3 workers, then merge: '$out'" [ "$out" = "fff m3" ]

# info.worker: the share of the flow hash, as --shard takes it
for w in 1 2 3; do
  "$PKTLUA" -q -r "$t/flows.pcap" --shard $w/3 -w "$t/shard$w.pcap" 2>/dev/null
  "$PKTLUA" -q -r "$t/flows.pcap" --workers 3 -w "$t/worker$w.pcap" \
    -a w=$w -e 'local w = tonumber(arg.w)
                function packet (p, info) return info.worker == w end'
  same "info.worker $w holds the flows of --shard $w/3" "$t/shard$w.pcap" "$t/worker$w.pcap"
done
# within a --shard share the flows still spread over the workers
"$PKTLUA" -q -r "$t/flows.pcap" --shard 2/4 --workers 2 --stats=json -e "function packet () end" \
  -w "$t/sw.pcap" 2>"$t/json"
"$PKTLUA" -q -r "$t/flows.pcap" --shard 2/4 -w "$t/s.pcap"
same "--shard 2/4 --workers 2 writes --shard 2/4's output" "$t/s.pcap" "$t/sw.pcap"
for w in 1 2; do
  n=$(grep -o "{\"worker\":$w,\"read\":[0-9]*" "$t/json" | cut -d: -f3)
  check "--shard 2/4 --workers 2: worker $w had packets ($n)" [ "${n:-0}" -gt 300 ]
done
out=$("$PKTLUA" -q -r "$t/mixed.pcap" -c 1 -e 'function packet (p, i) print(i.worker) end')
check "info.worker is 1 without --workers ($out)" [ "$out" = 1 ]
"$PKTLUA" -q -r "$t/mixed.pcap" -c 1 -e 'function packet (p, i) i.worker = 2 end' 2>"$t/err"
check "info.worker is read-only" grep -q 'info.worker is read-only' "$t/err"

# the option
for v in 0 -1 x 1.5 257 ''; do
  "$PKTLUA" -q -r "$t/mixed.pcap" --workers="$v" 2>"$t/err"
  check "--workers '$v' is a usage error" [ $? = 2 ]
  check "--workers '$v': said" grep -q -- '--workers' "$t/err"
done
"$PKTLUA" -q -r "$t/mixed.pcap" --workers auto -e 'function packet () end'
check "--workers auto runs" [ $? = 0 ]
# -i with workers is tests/integration/fanout's (root): here, that it
# gets as far as opening the captures
"$PKTLUA" -q -i pktlua-no-such-dev --workers 2 -e 'function packet () end' 2>"$t/err"
check "--workers 2 -i: no usage error, the device is looked for" [ $? = 1 ]
check "--workers 2 -i: said" grep -q 'pktlua-no-such-dev: no such device' "$t/err"
"$PKTLUA" --help | grep -q -- '--workers=N|auto'
check "--help names --workers" [ $? = 0 ]
finish
