#!/usr/bin/env bash
# Live capture on the loopback interface while this test sends UDP to
# 127.0.0.1, with a kernel-side BPF filter, -c, stats with kernel counters,
# SIGTERM while waiting for packets, and -Z dropping root. Needs root.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
need_root
ip link show lo >/dev/null 2>&1 || skip "no lo"
port=$((20000 + RANDOM % 20000))
send () {  # send N datagrams "pktlua-test K" to the port, slowly
  local k
  for k in $(seq "$1"); do
    echo "pktlua-test $k" > /dev/udp/127.0.0.1/$port 2>/dev/null
    sleep 0.05
  done
}
ready () { wait_grep "$1" "lo: live"; }  # pktlua has the interface open
# capture N ARGS...: pktlua -v ARGS (stderr to $TMP/err) while N datagrams
# are sent, until it ends by itself (-c); sets rc
capture () {
  local n=$1 sender; shift
  "$PKTLUA" -v "$@" 2>"$TMP/err" &
  pid=$!
  ready "$TMP/err"
  send "$n" &
  sender=$!
  wait $pid; rc=$?
  kill $sender 2>/dev/null; wait $sender 2>/dev/null
}

capture 20 -i lo -c 5 -w "$TMP/live.pcap" --stats=json -e '
  function packet(p, i)
    io.stderr:write("seen ", i.linktype, " ", tostring(i.l3), " ", i.len, "\n")
  end' udp port $port
check "live: exit 0 after -c 5" test $rc -eq 0
check "live: 5 packets written" test "$(count "$TMP/live.pcap")" -eq 5
check "live: tcpdump sees our UDP datagrams in them" \
  test "$(tcpdump -n -r "$TMP/live.pcap" "udp port $port and dst host 127.0.0.1" 2>/dev/null | grep -c '^[0-9]')" -eq 5
check "live: Ethernet link type, l3 at 15" test "$(grep -c "^seen 1 15 " "$TMP/err")" -eq 5
check "live: stats carry the kernel's counters" grep -q '"kernel":{"received":' "$TMP/err"
check "live: nanosecond timestamps asked for and written" \
  test "$(head -c 4 "$TMP/live.pcap" | od -An -tx1 | tr -d ' ')" = 4d3cb2a1

# SIGTERM while blocked waiting for a packet: stops at once, cleanly
"$PKTLUA" -v -i lo -w "$TMP/idle.pcap" --stats=json udp port $((port + 1)) 2>"$TMP/err" &
pid=$!
ready "$TMP/err"
sleep 0.3
kill -TERM $pid
check "live: SIGTERM ends a capture waiting for packets within 2 s" ended $pid 2
wait $pid; rc=$?
check "live: ... with exit 0 and a valid empty output" test $rc -eq 0 -a "$(count "$TMP/idle.pcap")" -eq 0

# -Z: the script runs as the user, the output file is opened as the user
user=nobody
id "$user" >/dev/null 2>&1 || { echo "no user $user: -Z part skipped"; finish; }
chmod 777 "$TMP"; chmod 711 "$(dirname "$TMP")"  # -Z: reachable by $user
capture 10 -i lo -c 2 -Z "$user" -w "$TMP/z.pcap" -e '
  local f = assert(io.open("/proc/self/status"))
  for l in f:lines() do if l:match("^[UG]id:") then io.stderr:write(l, "\n") end end
  f:close()
  function packet() end' udp port $port
uid=$(id -u "$user")
check "-Z: exit 0" test $rc -eq 0
check "-Z: real, effective, saved uid all $uid" \
  test "$(awk '/^Uid:/ {print $2, $3, $4}' "$TMP/err")" = "$uid $uid $uid"
check "-Z: no gid 0 left" test -z "$(awk '/^Gid:/ {for (i = 2; i <= 5; i++) if ($i == 0) print}' "$TMP/err")"
check "-Z: the output file belongs to $user" test "$(stat -c %u "$TMP/z.pcap")" -eq "$uid"
check "-Z: and holds the packets" test "$(count "$TMP/z.pcap")" -eq 2
# found before anything is opened (issue 11): a usage error, and the
# capture is never opened (a device that does not exist is not reported)
"$PKTLUA" -i pktlua-no-such-dev -c 1 -Z pktlua-no-such-user 2>"$TMP/err"; rc=$?
check "-Z unknown user: exit 2 and says so" test $rc -eq 2 -a -n "$(grep 'no such user' "$TMP/err")"
check "-Z unknown user: found before the capture is opened" test "$(wc -l < "$TMP/err")" -eq 1
"$PKTLUA" -i lo -c 1 -Z "" 2>"$TMP/err"; rc=$?
check "-Z '': exit 2" test $rc -eq 2
finish
