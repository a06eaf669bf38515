#!/usr/bin/env bash
# -i with --workers 2 (issue 17): in a network namespace, flows of UDP
# both ways (flows.lua) are sent into one end of a veth pair while
# pktlua captures the other with two workers in a PACKET_FANOUT group
# and a flow-state script (state.lua). Every packet sent is written
# exactly once, each flow in its order, each flow on one worker (both
# ways); the kernel's counters are summed and per worker; -c, SIGTERM
# when idle, -Z and --fanout=lb with workers. Needs root.
. "$(dirname "$0")/common.sh"
veth lf0 lf1

ready() { wait_for "$1" 'lf1: immediate mode' 2; }  # both captures open
send() { ip netns exec "$NS" "$PKTLUA" -q -r "$t/flows.pcap" -o lf0 --pps "${1:-4000}"; }
workers() { grep -o '"workers":\[.*' "$1"; }

# 1. two workers, the flows sent, every packet once, each flow in order
: >"$t/err"  # ready must not see the last run's lines
ip netns exec "$NS" "$PKTLUA" -v -i lf1 --workers 2 --stats=json -w "$t/out.pcap" \
  -f "$here/state.lua" udp >"$t/lines" 2>"$t/err" &
pid=$!
ready "$t/err"
send
sleep 0.5
kill -TERM $pid; wait $pid; rc=$?
check "workers 2: exit 0 after SIGTERM ($rc)" [ "$rc" = 0 ]
check "workers 2: the fanout group is said" grep -q 'fanout group [0-9]* (hash)' "$t/err"
check "workers 2: $N packets in a whole file" [ "$(count "$t/out.pcap")" = $N ]
flowseq "$t/out.pcap" >"$t/fs"
check "workers 2: every packet sent exactly once" \
  [ "$(sort -u "$t/fs" | wc -l)" = $N -a "$(wc -l < "$t/fs")" = $N ]
check "workers 2: each flow's packets in their order in the file" \
  awk '{ if (($1 in last) && $2 <= last[$1]) exit 1; last[$1] = $2 }' "$t/fs"
check "workers 2: the script saw every packet" \
  [ "$(grep -c '^[12] ' "$t/lines")" = $N ]
check "workers 2: a flow (both ways) on one worker" \
  [ "$(grep '^[12] ' "$t/lines" | sort -u | awk '{print $2}' | sort | uniq -d | wc -l)" = 0 ]
check "workers 2: both workers had flows" \
  [ "$(grep '^[12] ' "$t/lines" | awk '{print $1}' | sort -u | wc -l)" = 2 ]
check "workers 2: merge saw $FLOWS flows, none out of order" \
  grep -qx "flows $FLOWS disorder 0" "$t/lines"
check "workers 2: read and passed $N" \
  [ "$(total "$t/err" read)" = $N -a "$(total "$t/err" passed)" = $N ]
check "workers 2: the kernel received $N, summed" [ "$(total "$t/err" received)" = $N ]
w=$(workers "$t/err")
r1=$(echo "$w" | grep -o '"received":[0-9]*' | sed -n 1p | cut -d: -f2)
r2=$(echo "$w" | grep -o '"received":[0-9]*' | sed -n 2p | cut -d: -f2)
n1=$(echo "$w" | grep -o '"read":[0-9]*' | sed -n 1p | cut -d: -f2)
n2=$(echo "$w" | grep -o '"read":[0-9]*' | sed -n 2p | cut -d: -f2)
check "workers 2: per worker kernel counters ($r1 + $r2) are its reads ($n1, $n2)" \
  [ "$r1" = "$n1" -a "$r2" = "$n2" -a $((r1 + r2)) = $N ]

# 2. the summary: the kernel's line per worker
: >"$t/err"  # ready must not see the last run's lines
ip netns exec "$NS" "$PKTLUA" -v -i lf1 --workers 2 -c 100 -w "$t/c.pcap" \
  -e 'function packet () end' udp 2>"$t/err" &
pid=$!
ready "$t/err"
send 8000 &
sender=$!
for i in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
wait $pid; rc=$?
wait $sender  # it sends all: the captures below see none of it
check "-c 100: ends by itself, exit 0 ($rc)" [ "$rc" = 0 ]
check "-c 100: 100 packets written" [ "$(count "$t/c.pcap")" = 100 ]
check "-c 100: a kernel line per worker" [ "$(grep -c '^pktlua: kernel, worker [12]:' "$t/err")" = 2 ]

# 3. SIGTERM with nothing coming: every worker wakes and ends
: >"$t/err"  # ready must not see the last run's lines
ip netns exec "$NS" "$PKTLUA" -v -i lf1 --workers 2 -w "$t/idle.pcap" \
  -e 'function packet () end' udp 2>"$t/err" &
pid=$!
ready "$t/err"
kill -TERM $pid
for i in $(seq 40); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
check "idle: SIGTERM ends both workers within 2 s" [ "$(kill -0 $pid 2>/dev/null; echo $?)" != 0 ]
wait $pid; rc=$?
check "idle: exit 0 ($rc), an empty whole file" [ "$rc" = 0 -a "$(count "$t/idle.pcap")" = 0 -a -s "$t/idle.pcap" ]

# 4. --fanout=lb: no flow affinity, every packet still once; -Z after
# all captures are open: the scripts run as the user
user=nobody
chmod 777 "$t"; chmod 711 "$(dirname "$t")"
: >"$t/err"  # ready must not see the last run's lines
ip netns exec "$NS" "$PKTLUA" -v -i lf1 --workers 2 --fanout=lb -Z $user --stats=json \
  -w "$t/lb.pcap" -e '
  local f = assert(io.open("/proc/self/status"))
  for l in f:lines() do if l:match("^Uid:") then io.stderr:write(l, "\n") end end
  f:close()
  function packet () end' udp 2>"$t/err" &
pid=$!
ready "$t/err"
send
sleep 0.5
kill -TERM $pid; wait $pid; rc=$?
uid=$(id -u $user)
check "lb: exit 0 ($rc)" [ "$rc" = 0 ]
check "lb: the group is lb" grep -q 'fanout group [0-9]* (lb)' "$t/err"
check "lb: every packet once" [ "$(flowseq "$t/lb.pcap" | sort -u | wc -l)" = $N -a "$(count "$t/lb.pcap")" = $N ]
check "lb: split in turn" [ "$(workers "$t/err" | grep -o '"read":1000' | wc -l)" = 2 ]
check "-Z: both workers' chunks ran as $user" \
  [ "$(grep -c "^Uid:.$uid.$uid.$uid" "$t/err")" = 2 ]
check "-Z: the output belongs to $user" [ "$(stat -c %u "$t/lb.pcap")" = "$uid" ]

# 5. the kernel refuses nothing here, but a bad --fanout is a usage error
"$PKTLUA" -i lf1 --workers 2 --fanout=rr -e 'function packet () end' 2>"$t/err"
check "--fanout=rr: usage error" [ $? = 2 ]
check "--fanout=rr: said" grep -q "'rr' is not hash, cpu or lb" "$t/err"
"$PKTLUA" -r "$t/flows.pcap" --fanout=hash 2>"$t/err"
check "--fanout with -r: usage error" [ $? = 2 ]
finish
