#!/usr/bin/env bash
# Live capture defaults (issue 16, item 1) on a veth pair in a network
# namespace this test creates and removes: immediate mode off unless asked
# for (or -o), the kernel buffer, packets handed over within ~100 ms, the
# kernel's counters in --stats=json that add up, and the warning once the
# kernel drops. Needs root, tcpreplay.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
TMP=$(tmp)
need_root
need tcpreplay tcpdump
NS=pktlua-cap-$$
netns "$NS"
in_ns () { ip netns exec "$NS" "$@"; }
ip -n "$NS" link add va0 type veth peer name va1
ip -n "$NS" link set va0 up; ip -n "$NS" link set va1 up
kernel () {  # kernel FILE FIELD: the kernel's counter in the JSON stats
  grep -o '"kernel":{[^}]*}' "$1" | tail -1 | grep -o "\"$2\":[0-9]*" | cut -d: -f2
}
# capture NAME ARGS...: pktlua -i va1 ARGS in the background ($pid)
capture () {
  local name=$1; shift
  ip netns exec "$NS" "$PKTLUA" -v -i va1 --stats=json "$@" 2>"$TMP/$name.err" &
  pid=$!
  wait_grep "$TMP/$name.err" "va1: live"
}
stop () {  # stop: SIGINT once everything sent was handed over; $rc
  sleep 1
  kill -INT $pid; wait $pid; rc=$?
}

"$PKTGEN" --mixed 10000 -w "$TMP/burst.pcap"
"$PKTGEN" --udp64 200 -w "$TMP/slow.pcap"

# the modes and sizes the options ask for (-v says them)
capture dflt -w /dev/null; stop
check "default: immediate mode off, 4096 KiB, tcpdump's snaplen" \
  grep -q "va1: immediate mode off, kernel buffer 4096 KiB, snaplen 262144, packets handed over in blocks at most 50 ms late" "$TMP/dflt.err"
capture imm --immediate -B 8192 -s 1600 -w /dev/null; stop
check "--immediate -B 8192 -s 1600: as asked" \
  grep -q "va1: immediate mode on, kernel buffer 8192 KiB, snaplen 1600$" "$TMP/imm.err"
capture bridge -o va1 -c 1; kill -INT $pid; wait $pid
mtu=$(in_ns cat /sys/class/net/va1/mtu)
check "-o: immediate mode on, a snaplen of the MTU + 22" \
  grep -q "va1: immediate mode on, kernel buffer 4096 KiB, snaplen $((mtu + 22))$" "$TMP/bridge.err"
capture nobridge -o va1 --no-immediate-mode -c 1; kill -INT $pid; wait $pid
check "-o --no-immediate-mode: off" grep -q "va1: immediate mode off" "$TMP/nobridge.err"
"$PKTLUA" -i va1 --immediate-mode=x 2>"$TMP/err"; rc=$?
check "--immediate-mode takes no value: exit 2" test $rc -eq 2

# counters: 200 frames at 1000/s, every one read, the kernel's add up
capture slow -w "$TMP/slow.out.pcap" udp
in_ns tcpreplay -q --pps=1000 -i va0 "$TMP/slow.pcap" >/dev/null 2>&1
stop
check "slow: exit 0" test "$rc" -eq 0
check "slow: the kernel received 200" test "$(kernel "$TMP/slow.err" received)" = 200
check "slow: dropped none" test "$(kernel "$TMP/slow.err" dropped)" = 0
check "slow: 200 read and written" \
  test "$(jsonfield "$TMP/slow.err" read)" = 200 -a "$(jsonfield "$TMP/slow.err" passed)" = 200 \
  -a "$(tcpdump -q -n -r "$TMP/slow.out.pcap" 2>/dev/null | wc -l)" -eq 200

# the progress line on a terminal: the kernel's counters, and it moves
# while nothing arrives (script(1) gives pktlua a terminal)
ip netns exec "$NS" script -qfc "timeout -s INT 1.5 $PKTLUA -i va1 -w /dev/null udp" /dev/null \
  > "$TMP/tty.out" 2>&1 </dev/null
check "progress line: live, with the kernel's counters, while idle" \
  grep -q 'pktlua: 0 packets  0 packets/s  kernel: 0 received, 0 dropped' "$TMP/tty.out"

# packets within ~100 ms: the kernel's arrival time against the script's
# clock, five frames 0.2 s apart (a 1 s block timeout would hold them)
capture late -e '
  local pktlua = require "pktlua"
  function packet (p, i)
    io.stderr:write(string.format("late %.3f\n",
      pktlua.now("wall") - (i.sec + i.nsec / 1e9)))
  end' udp
in_ns tcpreplay -q --pps=5 -L 5 -i va0 "$TMP/slow.pcap" >/dev/null 2>&1
stop
check "latency: all five seen" test "$(grep -c '^late ' "$TMP/late.err")" -eq 5
check "latency: each within 0.4 s of its arrival ($(grep '^late ' "$TMP/late.err" | cut -d' ' -f2 | tr '\n' ' '))" \
  test -z "$(awk '/^late / && $2 > 0.4' "$TMP/late.err")"

# a burst at top speed: the default holds what immediate mode drops; the
# counters add up (received = read + dropped) and drops are told once
burst () {  # burst NAME ARGS...
  local name=$1; shift
  capture "$name" -w /dev/null "$@"
  in_ns tcpreplay -q --topspeed -i va0 "$TMP/burst.pcap" >/dev/null 2>&1
  stop
  local r d k
  r=$(kernel "$TMP/$name.err" received); d=$(kernel "$TMP/$name.err" dropped)
  k=$(jsonfield "$TMP/$name.err" read)
  check "$name: received $r = read $k + dropped $d" test "$r" -eq $((k + d))
  check "$name: received all 10000" test "$r" -eq 10000
  if [ "$d" -gt 0 ]; then
    check "$name: $d drops: one warning naming -B" \
      test "$(grep -c 'warning: va1: the kernel dropped.*-B' "$TMP/$name.err")" -eq 1
  else
    check "$name: no drops, no warning" test -z "$(grep 'kernel dropped' "$TMP/$name.err")"
  fi
  eval "drops_$name=$d"
}
burst buffered
burst immediate --immediate-mode -B 2048
check "the default drops no more than immediate mode ($drops_buffered, $drops_immediate)" \
  test "$drops_buffered" -le "$drops_immediate"
finish
