#!/usr/bin/env bash
# Replay pacing through -w (no root, so the pacer is tested everywhere):
# the capture's gaps kept, -x, --pps, --mbps, --loop and its continuity,
# --duration, --limit, a script re-timing packets, signals during a long
# sleep, no CPU while waiting. Tolerances are those a loaded CI machine
# holds: durations and order, not microseconds. The schedule is anchored,
# so a packet is never sent early: lower bounds are tight, upper loose.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
need tcpdump
TMP=$(tmp)
# 11 packets 100 ms apart: a capture that spans 1 s
"$PKTGEN" --udp64 11 --gap 100000000 --nano -w "$TMP/1s.pcap"
# 2 packets 10 s apart
"$PKTGEN" --udp64 2 --gap 10000000000 -w "$TMP/10s.pcap"

# elapsed CMD...: runs CMD, prints its wall time in ms
elapsed() {
  local t0 t1
  t0=$(date +%s%N); "$@"; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
# within MS LO HI
within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --timing=original)
check "original timing: a 1 s capture takes 0.9-1.5 s ($ms ms)" within "$ms" 950 1500
same "original timing: the packets as they were" <(dump "$TMP/o.pcap") <(dump "$TMP/1s.pcap")

ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap")
check "-r -w without a timing option: as fast as possible ($ms ms)" within "$ms" 0 600

ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" -x 2)
check "-x 2: about half (0.5 s: $ms ms)" within "$ms" 480 900
ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --multiplier=0.5)
check "--multiplier=0.5: twice as long (2 s: $ms ms)" within "$ms" 1950 2600

# 11 packets at 20/s: the last leaves 10/20 s after the first
ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --pps=20)
check "--pps=20: 11 packets in 0.5 s ($ms ms)" within "$ms" 480 900
# 64-byte frames at 0.01 Mbit/s: 10 frames (5120 bits) before the last
ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --mbps=0.01)
check "--mbps=0.01: the last frame after 0.512 s ($ms ms)" within "$ms" 490 900
ms=$(elapsed "$PKTLUA" -q -r "$TMP/10s.pcap" -w "$TMP/o.pcap" --topspeed)
check "--topspeed: a 10 s capture at once ($ms ms)" within "$ms" 0 600

# --loop: 3 passes, the script sees which; each pass after the previous
# one's last packet by one mean gap (100 ms / 4 here)
cat > "$TMP/loops.lua" <<'LUA'
local f = io.open(os.getenv("OUT"), "w")
function packet(pkt, info)
  f:write(info.loop, " ", string.format("%.6f", pktlua.now()), "\n")
end
function finish() f:close() end
LUA
export OUT=$TMP/loops.txt
ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" -x 4 --loop=3 --stats=json -f "$TMP/loops.lua" 2>"$TMP/err")
check "--loop=3: 33 packets written" test "$(count "$TMP/o.pcap")" -eq 33
check "--loop=3: info.loop 1, 2, 3, 11 packets each" \
  test "$(cut -d' ' -f1 "$OUT" | uniq -c | awk '{print $1 "x" $2}' | tr '\n' ' ')" = "11x1 11x2 11x3 "
# 3 passes of 250 ms and 2 mean gaps of 25 ms
check "--loop=3 -x 4: 0.8 s in all ($ms ms)" within "$ms" 790 1300
check "--loop=3: the stats count 3 loops" grep -q '"loops":3' "$TMP/err"
# the script runs before the pacer waits: packet 12's call comes after
# packet 11 left, and packet 12 leaves one mean gap (25 ms) after it
gap=$(awk 'NR == 10 { a = $2 } NR == 11 { b = $2 } NR == 12 { c = $2 }
           END { printf "%d", (c - a) * 1000 }' "$OUT")
check "--loop: the next pass follows one gap later, not at once ($gap ms from packet 10 to 12)" within "$gap" 20 300

"$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --loop=0 --limit=25 --topspeed
check "--loop=0 --limit=25: 25 packets" test "$(count "$TMP/o.pcap")" -eq 25
ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --loop=0 --duration=0.35 --timing=original)
check "--duration=0.35: stops once the next packet is due later (0.3 s: $ms ms)" within "$ms" 290 900
check "--duration=0.35: the packets due by then (4)" test "$(count "$TMP/o.pcap")" -eq 4

# the script re-times: 20 ms apart instead of 100; -w writes the new times
cat > "$TMP/retime.lua" <<'LUA'
local n = 0
function packet(pkt, info)
  local t = n * 20000000
  info.sec = 1700000000 + t // 1000000000
  info.nsec = t % 1000000000
  n = n + 1
end
LUA
ms=$(elapsed "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --timing=original -f "$TMP/retime.lua")
check "re-timed by the script: 11 packets 20 ms apart take 0.2 s ($ms ms)" within "$ms" 190 600
check "re-timed by the script: -w has the new timestamps" \
  test "$(tcpdump -r "$TMP/o.pcap" -n --nano -tt 2>/dev/null | awk 'NR == 11 {print $1}')" = 1700000000.200000000

# signals during a 10 s sleep: SIGUSR1 reports at once and the wait goes
# on; SIGINT stops at once, the second packet unsent; no CPU while waiting
export MARK=$TMP/mark
"$PKTLUA" -r "$TMP/10s.pcap" -w "$TMP/o.pcap" --timing=original --stats=json \
  -e 'function packet(pkt, info)
        if info.caplen and not done then io.open(os.getenv("MARK"), "w"):close() end
        done = true
      end' 2>"$TMP/err" &
pid=$!
wait_for "$MARK"   # the first packet ran; the second one's sleep is next
sleep 0.3
kill -USR1 $pid
wait_grep "$TMP/err" '"replay":{' 60
check "SIGUSR1 during a sleep: the stats within 3 s, not after the 10 s sleep" grep -q '"replay":{"packets":[01],' "$TMP/err"
check "SIGUSR1 during a sleep: the run goes on" kill -0 $pid
t0=$(date +%s%N)
kill -INT $pid; wait $pid; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "SIGINT during a sleep: exit 0" test $rc -eq 0
check "SIGINT during a sleep: stops at once ($ms ms)" within "$ms" 0 400
check "SIGINT during a sleep: the packet due later is not sent" test "$(count "$TMP/o.pcap")" -eq 1
cpu=$( { TIMEFORMAT='%3U %3S'; time "$PKTLUA" -q -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --timing=original -x 0.5 ; } 2>&1 )
check "a paused sender uses no CPU (user sys over 2 s: $cpu)" \
  awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { exit !(u + s < 0.2) }'

# the stats a replay user reads
"$PKTLUA" -r "$TMP/1s.pcap" -w "$TMP/o.pcap" -x 4 --stats=json 2>"$TMP/err"
check "--stats=json: packets, bytes, pps, Mbps, lateness" \
  grep -Eq '"replay":\{"packets":11,"bytes":704,"loops":1,"seconds":0\.2[0-9]*,"pps":[0-9.]+,"mbps":[0-9.]+,"late_us":\{"mean":[0-9.]+,"p99":[0-9.]+,"max":[0-9.]+\}\}' "$TMP/err"
"$PKTLUA" -r "$TMP/1s.pcap" -w "$TMP/o.pcap" -x 4 2>"$TMP/err"
check "summary: the replay's line" grep -q 'replay: 11 packets, 704 bytes sent in 0\.2' "$TMP/err"
check "summary: the lateness line" grep -q 'replay: lateness mean .* us, p99 .* us, max .* us' "$TMP/err"
"$PKTLUA" -r "$TMP/1s.pcap" -w "$TMP/o.pcap" --stats=json 2>"$TMP/err"
check "no timing option: no replay stats" grep -q '"replay":null' "$TMP/err"

# --loop over each reader (pktlua's pcap reader, libpcap's, pcapng): the
# file again, with the same BPF filter
n=$(count "$CAP_MIXED"); u=$(tcpdump -r "$CAP_MIXED" -n udp 2>/dev/null | grep -c '^[0-9]')
for reader in "" libpcap; do
  PKTLUA_READER=$reader "$PKTLUA" -q -r "$CAP_MIXED" -w "$TMP/o.pcap" --loop=3
  check "--loop=3 (reader '${reader:-pktlua}'): 3 times the packets" test "$(count "$TMP/o.pcap")" -eq $((3 * n))
  PKTLUA_READER=$reader "$PKTLUA" -q -r "$CAP_MIXED" -w "$TMP/o.pcap" --loop=2 udp
  check "--loop=2 udp (reader '${reader:-pktlua}'): the filter stays" test "$(count "$TMP/o.pcap")" -eq $((2 * u))
done
"$PKTLUA" -q -r "$CAP_NG" -w "$TMP/o.pcap" --loop=2
check "--loop=2 over pcapng: twice the packets" test "$(count "$TMP/o.pcap")" -eq $((2 * $(count "$CAP_NG")))

# pktlua.now: monotonic and wall clocks; info.loop is read-only
run_pktlua -r "$TMP/1s.pcap" -e '
local a = pktlua.now(); local b = require("pktlua").now()
assert(b >= a, "monotonic")
assert(math.abs(pktlua.now("wall") - os.time()) < 2, "wall")
assert(math.type(pktlua.now()) == "float")
function packet(pkt, info) assert(info.loop == 1) end'
check "pktlua.now and now(\"wall\")" test $? -eq 0
LAST_ERR=$TMP/err run_pktlua -r "$TMP/1s.pcap" -e 'function packet(p, info) info.loop = 2 end' --stats=json
check "info.loop is read-only" grep -q "info.loop is read-only" "$TMP/err"
finish
