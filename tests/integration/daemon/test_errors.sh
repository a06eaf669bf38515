#!/usr/bin/env bash
# Script errors and bad input: the message, the exit status, the output.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
f=$CAP_MIXED
n=$(count "$f")

# a script that does not compile: exit 2, Lua's message, no output file
printf 'function packet(pkt, info)\n  return (\nend\n' > "$TMP/syntax.lua"
"$PKTLUA" -r "$f" -w "$TMP/o.pcap" -f "$TMP/syntax.lua" 2>"$TMP/err"; rc=$?
check "syntax error: exit 2" test $rc -eq 2
check "syntax error: file:line in the message" grep -q "syntax.lua:3:" "$TMP/err"
check "syntax error: no output written" test ! -e "$TMP/o.pcap"
"$PKTLUA" -r "$f" -f "$TMP/nonexistent.lua" 2>"$TMP/err"; rc=$?
check "missing script: exit 2 and says so" test $rc -eq 2 -a -n "$(grep 'nonexistent.lua' "$TMP/err")"
"$PKTLUA" -r "$f" -w "$TMP/o.pcap" -e 'x = 1' 2>"$TMP/err"; rc=$?
check "no packet function: exit 2" test $rc -eq 2
check "no packet function: says so" grep -q "no function 'packet'" "$TMP/err"
check "no packet function: no output written" test ! -e "$TMP/o.pcap"
"$PKTLUA" -r "$f" -e 'error("at start")' 2>"$TMP/err"; rc=$?
check "error in the chunk: exit 2 with the message" test $rc -eq 2 -a -n "$(grep 'at start' "$TMP/err")"

# a script that raises on every packet, told to run on (--on-error=pass):
# counted, summarised, packets pass, exit 0
printf 'function packet(pkt, info)\n  error("boom " .. (info.len > 1000 and "big" or "small"))\nend\n' > "$TMP/raise.lua"
"$PKTLUA" -r "$f" -w "$TMP/o.pcap" -f "$TMP/raise.lua" --stats=json --on-error=pass 2>"$TMP/err"; rc=$?
check "raise on every packet, --on-error=pass: exit 0" test $rc -eq 0
check "raise: the first error has file:line and packet number" \
  grep -q "^pktlua: .*raise.lua:2: boom small (packet 1)$" "$TMP/err"
check "raise: every error counted" test "$(jsonfield "$TMP/err" errors)" -eq "$n"
check "raise: summarised, not one line per packet" test "$(wc -l < "$TMP/err")" -le 6
check "raise: the summary gives the repeat count" grep -q "more times, last at packet" "$TMP/err"
check "raise: packets pass by default" test "$(count "$TMP/o.pcap")" -eq "$n"
check "raise: the verdict is summarised" \
  grep -q "^pktlua: the script failed on $n packets: passed as the script left them (--on-error=pass)$" "$TMP/err"

# not told to run on, the same script is stopped after its first 10
# packets (the typo case), which get the verdict; exit 3 (script errors)
"$PKTLUA" -r "$f" -w "$TMP/o.pcap" -f "$TMP/raise.lua" --stats=json 2>"$TMP/err"; rc=$?
check "raise, default: exit 3" test $rc -eq 3
check "raise, default: stopped after 10 packets, with a message" \
  test "$(jsonfield "$TMP/err" read)" -eq 10 -a -n "$(grep 'failed on each of its first 10 packets: stopped' "$TMP/err")"
check "raise, default: they passed (nothing lost)" \
  test "$(jsonfield "$TMP/err" passed)" -eq 10 -a "$(count "$TMP/o.pcap")" -eq 10
check "raise, default: the summary says why they passed" \
  grep -q "passed as the script left them (--on-error=pass: the default when the script declares no pktlua.kind)" "$TMP/err"
# the issue's typo: a filter reading a field its layout does not have
typo='local layout = require "layout"
local ip = layout.newpointer(require "pktlua.layouts.ipv4")
function packet(p, i)
  if not i.l3 then return false end
  layout.setpointer(ip, p, i.l3)
  return ip.ttl > 1
end'
"$PKTLUA" -r "$CAPTURES/ipv4.pcap" -w "$TMP/o.pcap" -e "$typo" --stats=json 2>"$TMP/err"; rc=$?
check "typo: exit 3" test $rc -eq 3
check "typo: the message names the struct's fields" \
  grep -q "no field 'ttl' in struct (version, ihl, .*timetolive, .*) (packet 1)" "$TMP/err"
check "typo: stopped after 10 packets" test "$(jsonfield "$TMP/err" read)" -eq 10
"$PKTLUA" -r "$CAPTURES/ipv4.pcap" -w "$TMP/o.pcap" -e "pktlua.kind 'filter' $typo" --stats=json 2>"$TMP/err"; rc=$?
check "typo in a declared filter: exit 3, nothing passed" \
  test $rc -eq 3 -a "$(jsonfield "$TMP/err" passed)" -eq 0 -a "$(count "$TMP/o.pcap")" -eq 0
check "typo in a declared filter: the summary says why" \
  grep -q "failed on 10 packets: dropped (--on-error=drop: the default for a filter)" "$TMP/err"
# a script that ran on a packet once is not stopped: it fails on some
"$PKTLUA" -q -r "$f" -w "$TMP/o.pcap" --stats=json \
  -e 'function packet(p, i) n = (n or 0) + 1 if n > 1 then error("after one") end end' 2>"$TMP/err"; rc=$?
check "fails after the first packet: runs to the end, exit 3" \
  test $rc -eq 3 -a "$(jsonfield "$TMP/err" read)" -eq "$n" -a "$(jsonfield "$TMP/err" errors)" -eq $((n - 1))
"$PKTLUA" -q -r "$f" -w "$TMP/o.pcap" --on-error=drop --stats=json \
  -e 'function packet(p, i) n = (n or 0) + 1 if n > 1 then error("after one") end end' 2>"$TMP/err"; rc=$?
check "--on-error=drop: exit 3, only the first packet written" test $rc -eq 3 -a "$(count "$TMP/o.pcap")" -eq 1
check "--on-error=drop: counted as dropped" test "$(jsonfield "$TMP/err" dropped)" -eq $((n - 1))
"$PKTLUA" -q -r "$f" -w "$TMP/o.pcap" -f "$TMP/raise.lua" --on-error=drop --stats=json 2>"$TMP/err"; rc=$?
check "--on-error=drop, every packet failing: stopped after 10, exit 3" \
  test $rc -eq 3 -a "$(jsonfield "$TMP/err" dropped)" -eq 10 -a "$(count "$TMP/o.pcap")" -eq 0
# a rewriter that errors on some packets loses none of them
"$PKTLUA" -q -r "$f" -w "$TMP/o.pcap" --stats=json \
  -e 'pktlua.kind "rewriter" function packet(p, i) if i.len > 1000 then error("big") end end' 2>"$TMP/err"; rc=$?
check "rewriter with errors: exit 3, every packet written" \
  test $rc -eq 3 -a "$(count "$TMP/o.pcap")" -eq "$n"
"$PKTLUA" -q -r "$f" -e 'pktlua.kind "filtre" function packet() end' 2>"$TMP/err"; rc=$?
check "an unknown kind: exit 2 with the reason" test $rc -eq 2 -a -n "$(grep "invalid option 'filtre'" "$TMP/err")"
"$PKTLUA" -q -r "$f" -w "$TMP/o.pcap" --on-error=abort --stats=json \
  -e 'function packet(p, i) if i.len > 1000 then error("too big") end end' 2>"$TMP/err"; rc=$?
first=$(tshark -r "$f" -T fields -e frame.len 2>/dev/null | awk '$1 > 1000 {print NR; exit}')
check "--on-error=abort: exit 3" test $rc -eq 3
check "--on-error=abort: names the packet" grep -q "too big (packet $first)" "$TMP/err"
check "--on-error=abort: packets before it are written" test "$(count "$TMP/o.pcap")" -eq $((first - 1))
check "--on-error=abort: the failed packet counts as read and dropped" \
  test "$(jsonfield "$TMP/err" read)" -eq "$first" -a "$(jsonfield "$TMP/err" dropped)" -eq 1
"$PKTLUA" -q -r "$f" -e 'function packet() error(setmetatable({}, {__tostring = function() return "custom" end})) end' 2>"$TMP/err"
check "error objects with __tostring are shown" grep -q "custom (packet 1)" "$TMP/err"
"$PKTLUA" -q -r "$f" -e 'function packet() end function finish() error("late") end' 2>"$TMP/err"; rc=$?
check "error in finish: reported, exit 3" test $rc -eq 3 -a -n "$(grep 'late (in finish)' "$TMP/err")"

# bad input files
printf 'this is not a capture file\n' > "$TMP/text.pcap"
"$PKTLUA" -r "$TMP/text.pcap" -w "$TMP/o.pcap" 2>"$TMP/err"; rc=$?
check "not a capture: exit 1, names the file" test $rc -eq 1 -a -n "$(grep "text.pcap: unknown file format" "$TMP/err")"
"$PKTLUA" -r "$TMP/nothere.pcap" 2>"$TMP/err"; rc=$?
check "missing file: exit 1" test $rc -eq 1 -a -n "$(grep 'nothere.pcap: No such file' "$TMP/err")"
"$PKTLUA" -r "$TMP" 2>"$TMP/err"; rc=$?
check "a directory: exit 1" test $rc -eq 1
head -c 1000 "$CAP_LONG" > "$TMP/trunc.pcap"
good=$(count "$TMP/trunc.pcap")
"$PKTLUA" -r "$TMP/trunc.pcap" -w "$TMP/o.pcap" 2>"$TMP/err"; rc=$?
check "truncated file: exit 1" test $rc -eq 1
check "truncated file: file and packet number in the message" \
  grep -q "trunc.pcap: packet $((good + 1)): truncated" "$TMP/err"
check "truncated file: the packets before the fault are written" \
  cmp -s <(dump "$TMP/o.pcap") <(tcpdump -n -S -tt --nano -r "$TMP/trunc.pcap" 2>/dev/null)
"$PKTLUA" -r "$CAP_NG_MIXED" -w "$TMP/o.pcap" 2>"$TMP/err"; rc=$?
check "mixed link types to a pcap file: exit 1, says a pcap file holds one" \
  test $rc -eq 1 -a -n "$(grep "o.pcap: the input has interfaces of several link types" "$TMP/err")"
"$PKTLUA" -i pktlua-no-such-if0 2>"$TMP/err"; rc=$?
check "unknown interface: exit 1, says no such device" test $rc -eq 1 -a -n "$(grep 'no such device' "$TMP/err")"

# the output over the input is refused, and the input stays intact
cp "$f" "$TMP/in.pcap"
"$PKTLUA" -r "$TMP/in.pcap" -w "$TMP/in.pcap" 2>"$TMP/err"; rc=$?
check "-w same as -r: exit 2" test $rc -eq 2
check "-w same as -r: input untouched" cmp -s "$f" "$TMP/in.pcap"
ln -s in.pcap "$TMP/link.pcap"
"$PKTLUA" -r "$TMP/in.pcap" -w "$TMP/link.pcap" 2>/dev/null; rc=$?
check "-w a symlink to the -r file: refused" test $rc -eq 2 -a "$(cmp -s "$f" "$TMP/in.pcap"; echo $?)" -eq 0
finish
