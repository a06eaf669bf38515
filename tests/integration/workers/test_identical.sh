#!/usr/bin/env bash
# --workers N writes what one worker writes, byte for byte, for scripts
# whose verdicts depend on the packet and its flow's earlier packets:
# rewriters (ttl, nat, anonymize), a filter, edits that change lengths,
# timestamps and comments, named outputs, pktlua.emit, and a script that
# keeps per-flow state. Over every capture of the corpus, and over a
# generated capture of many flows (many batches), with -c and --loop.
# WORKERS_QUICK=1 (the ThreadSanitizer pass) takes a few captures only.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
t=$(tmp)

# the flow-state script: the 4th and later packets of a flow are dropped
FLOWSTATE='
local seen = {}
function packet (pkt, info)
  local f = info.flow
  local n = (seen[f] or 0) + 1
  seen[f] = n
  return n <= 3
end'
# timestamps, comments and a length change, by flow-independent rules
EDITS='
local pktlua = require "pktlua"
function packet (pkt, info)
  info.sec = info.sec + 3600
  info.comment = "len " .. info.len
  if #pkt > 20 and #pkt % 3 == 0 then pktlua.remove(pkt, #pkt - 3, 4)
  elseif #pkt % 3 == 1 then pktlua.insert(pkt, 1, 8, "pktlua!!")
  end
  return true
end'

# run NAME CAPTURE ARGS...: 1, 2 and 3 workers in directories of their
# own; every file the runs wrote must be the same
run() {
  local name=$1 cap=$2 n d
  shift 2
  for n in 1 2 3; do
    d=$t/$name.$n
    rm -rf "$d"; mkdir -p "$d"
    (cd "$d" && "$PKTLUA" -q -r "$cap" --workers "$n" "$@" \
       >../$name.$n.out 2>../$name.$n.err; echo $? >status)
  done
  check "$name over $(basename "$cap"): exit 0 ($(cat "$t/$name.1/status"): $(head -c 300 "$t/$name.1.err"))" \
    [ "$(cat "$t/$name.1/status")" = 0 ]
  for n in 2 3; do
    if diff -r "$t/$name.1" "$t/$name.$n" >"$t/diff" 2>&1; then ok
    else bad "$name over $(basename "$cap"): --workers $n differs from 1: $(head -c 300 "$t/diff")"
    fi
  done
}

caps=$(captures)
if [ "${WORKERS_QUICK:-0}" = 1 ]; then
  caps=$(printf '%s\n' "$CAP_LONG" "$CAP_MIXED" "$CAP_NG" "$CAP_SLL_NANO")
fi
for cap in $caps; do
  for s in ttl nat filter anonymize; do
    run "$s" "$cap" -f "$EXAMPLES/$s.lua" -a quiet=1 -w out.pcap
  done
done

# many flows, many batches: every feature the workers have to keep in order
"$PKTGEN" --flows 3000 -w "$t/flows.pcap" >/dev/null
"$PKTGEN" --mixed 2000 -w "$t/mixed.pcap" >/dev/null
for cap in "$t/flows.pcap" "$t/mixed.pcap" "$CAP_MIXED"; do
  run ttl "$cap" -f "$EXAMPLES/ttl.lua" -w out.pcap
  run flowstate "$cap" -e "$FLOWSTATE" -w out.pcap
  run edits "$cap" -e "$EDITS" -w out.pcapng
  run vlan "$cap" -f "$EXAMPLES/vlan.lua" -a op=push -a vid=7 -w out.pcap
  run split "$cap" -f "$EXAMPLES/split.lua" -a all=1 -w all.pcapng \
      -w tcp=tcp.pcap -w udp=udp.pcap -w icmp=icmp.pcap -w other=other.pcapng
  run emit "$cap" -f "$EXAMPLES/dup.lua" -a to=default -a quiet=1 -w out.pcap
  run reply "$cap" -f "$EXAMPLES/reply.lua" -w out.pcap
  run count "$cap" -f "$EXAMPLES/nat.lua" -c 777 -w out.pcap
  run loop "$cap" -e "$FLOWSTATE" --loop=3 -w out.pcap
  run rotate "$cap" -f "$EXAMPLES/ttl.lua" -C 100k -w out.pcap
  export PKTLUA_ROTATE_CLOCK=packet  # -G by the packets' time
  run period "$cap" -w 'g-%s.pcap' -G 1 \
    -e 'function packet (p, info) info.sec = info.sec + 1 end'
  unset PKTLUA_ROTATE_CLOCK
  run paced "$cap" -f "$EXAMPLES/ttl.lua" --pps 200000 -w out.pcap
  run json "$cap" -f "$EXAMPLES/filter.lua" -w out.pcap --stats=json
  # the JSON counts agree (but the time and the memory of N states)
  for n in 2 3; do
    a=$(sed 's/"lua_memory":[0-9]*//; s/"duration".*"mbps":[0-9.]*//; s/,"workers":\[[^]]*\]//' "$t/json.1.err")
    b=$(sed 's/"lua_memory":[0-9]*//; s/"duration".*"mbps":[0-9.]*//; s/,"workers":\[[^]]*\]//' "$t/json.$n.err")
    check "--stats=json over $(basename "$cap"): $n workers sum to one's" [ "$a" = "$b" ]
  done
done
# comments as read kept, cleared and replaced: the three places a
# verdict's comment can be (the edits run's pcapng has one per packet)
COMMENTS='
function packet (pkt, info)
  local n = tonumber(info.comment:match("%d+")) % 3  -- "len N"
  if n == 0 then info.comment = nil
  elseif n == 1 then info.comment = info.comment .. "!"
  end
  return true
end'
run comments "$t/edits.1/out.pcapng" -e "$COMMENTS" -w out.pcapng
if command -v tshark >/dev/null; then  # (CI has it)
  tshark -r "$t/comments.1/out.pcapng" -T fields -e frame.comment \
    >"$t/comments" 2>/dev/null
  check "comments: some cleared" grep -qx '' "$t/comments"
  check "comments: some replaced" grep -q '!$' "$t/comments"
  check "comments: some kept" grep -q '[0-9]$' "$t/comments"
fi
# the last runs were not empty; the flows capture spread over the workers
check "packets written" [ "$(count "$t/ttl.1/out.pcap")" -gt 30 ]
"$PKTLUA" -q -r "$t/flows.pcap" --workers 3 -e 'function packet() end' \
  --stats=json -w /dev/null 2>"$t/spread"
for w in 1 2 3; do
  n=$(grep -o "{\"worker\":$w,\"read\":[0-9]*" "$t/spread" | cut -d: -f3)
  check "worker $w had packets of the flows capture ($n)" [ "${n:-0}" -gt 100 ]
done
# from a pipe: the same bytes; and a pipe that trickles (300 packets, then
# nothing while it stays open) has its first 256 reach the script (a batch
# from a pipe is 256 records) before the writer closes it
"$PKTGEN" --flows 200 -w "$t/small.pcap" >/dev/null
# (a pipe is read in nanoseconds: source_savefile.c)
cat "$t/small.pcap" | "$PKTLUA" -q -r - -f "$EXAMPLES/ttl.lua" -a quiet=1 \
  -w "$t/pipe1.pcap" 2>/dev/null
cat "$t/small.pcap" | "$PKTLUA" -q -r - --workers 2 -f "$EXAMPLES/ttl.lua" \
  -a quiet=1 -w "$t/pipe2.pcap" 2>/dev/null
same "ttl.lua from a pipe, --workers 2" "$t/pipe1.pcap" "$t/pipe2.pcap"
"$PKTLUA" -q -r "$t/small.pcap" -c 300 -w "$t/300.pcap" 2>/dev/null
mkfifo "$t/fifo"
"$PKTLUA" -q -r - --workers 2 -w "$t/trickle.pcap" \
  -e 'function packet () io.stderr:write("seen\n"); io.stderr:flush() end' \
  <"$t/fifo" 2>"$t/seen" &
pid=$!
{ cat "$t/300.pcap"; sleep 20; } >"$t/fifo" &
feeder=$!
for i in $(seq 200); do
  [ "$(grep -c seen "$t/seen")" -ge 256 ] && break
  sleep 0.05
done
check "a trickling pipe's first 256 packets reach the script while it is open ($(grep -c seen "$t/seen") seen)" \
  [ "$(grep -c seen "$t/seen")" -ge 256 ]
kill "$feeder" 2>/dev/null
pkill -P "$feeder" sleep 2>/dev/null
wait "$pid" 2>/dev/null
check "all 300 seen once the pipe closed ($(grep -c seen "$t/seen"))" \
  [ "$(grep -c seen "$t/seen")" = 300 ]
finish
