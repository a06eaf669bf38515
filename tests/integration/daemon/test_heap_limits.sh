#!/usr/bin/env bash
# No Lua allocation per packet: with the collector stopped the heap does
# not grow over 100k packets. And the limits: --max-instructions ends a
# runaway packet() and --max-lua-memory turns unbounded growth into counted
# script errors.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
long_capture "$TMP/long.pcap" 13
total=$(count "$TMP/long.pcap")

# the script itself allocates nothing per packet: it reads info fields and
# pkt's length and bytes, and stores numbers in existing locals
"$PKTLUA" -q -r "$TMP/long.pcap" -e '
  collectgarbage("stop")
  local n, at10, sum = 0, 0, 0
  function packet(pkt, info)
    n = n + 1
    sum = sum + info.len + info.caplen + info.sec + info.nsec + info.linktype
              + (info.l3 or 0) + #pkt
    if n == 10 then at10 = collectgarbage("count") end
  end
  function finish()
    print(n, math.floor((collectgarbage("count") - at10) * 1024))
  end' > "$TMP/heap.txt"
read -r n growth < "$TMP/heap.txt"
check "heap test saw every packet ($n of $total, over 100k)" test "$n" -eq "$total" -a "$n" -gt 100000
check "Lua heap growth over $n packets: $growth bytes" test "$growth" -eq 0

# the same check from the daemon's own accounting (--stats=json lua_memory)
"$PKTLUA" -q -r "$TMP/long.pcap" --stats=json -c 1000 -e 'collectgarbage("stop") function packet() end' 2>"$TMP/a"
"$PKTLUA" -q -r "$TMP/long.pcap" --stats=json -e 'collectgarbage("stop") function packet() end' 2>"$TMP/b"
check "lua_memory after 1000 and after $total packets is the same" \
  test "$(jsonfield "$TMP/a" lua_memory)" -eq "$(jsonfield "$TMP/b" lua_memory)"

f=$CAP_MIXED
n=$(count "$f")
"$PKTLUA" -r "$f" -w "$TMP/o.pcap" --max-instructions=100000 --stats=json \
  -e 'function packet(p, i) if i.len > 1000 then while true do end end end' 2>"$TMP/err"; rc=$?
big=$(tshark -r "$f" -T fields -e frame.len 2>/dev/null | awk '$1 > 1000' | wc -l)
check "--max-instructions: a runaway packet() is stopped, exit 3" test $rc -eq 3
check "--max-instructions: counted ($big)" test "$(jsonfield "$TMP/err" errors)" -eq "$big"
check "--max-instructions: reported with the line" grep -q "(command line):1: instruction limit exceeded" "$TMP/err"
check "--max-instructions: every packet passes" test "$(count "$TMP/o.pcap")" -eq "$n"
"$PKTLUA" -q -r "$f" --max-instructions=100000 -e 'while true do end function packet() end' 2>"$TMP/err"; rc=$?
check "--max-instructions: a runaway chunk is a load error (exit 2)" test $rc -eq 2

"$PKTLUA" -r "$f" -w "$TMP/o.pcap" --max-lua-memory=1m --stats=json \
  -e 'local t = {} function packet(p, i) for k = 1, 1000 do t[#t + 1] = {} end end' 2>"$TMP/err"; rc=$?
errors=$(jsonfield "$TMP/err" errors)
check "--max-lua-memory: growth past the cap is a script error, exit 3" test $rc -eq 3 -a "$errors" -gt 0
check "--max-lua-memory: the message says why" grep -q "not enough memory (--max-lua-memory reached)" "$TMP/err"
check "--max-lua-memory: the heap stays under the cap" \
  test "$(jsonfield "$TMP/err" lua_memory)" -le $((1024 * 1024 + 200000))
check "--max-lua-memory: every packet passes" test "$(count "$TMP/o.pcap")" -eq "$n"
for bad in --max-lua-memory=0 --max-lua-memory=12x --max-instructions=-1 --max-instructions=1e3; do
  "$PKTLUA" -r "$f" "$bad" -e 'function packet() end' 2>/dev/null; rc=$?
  check "$bad is refused (exit 2)" test $rc -eq 2
done
finish
