#!/usr/bin/env bash
# --shard K/N: for N = 2..4 the N shares of a capture, put back together
# (mergecap, and as sets of packets), are the unsharded run's output, with
# or without a script, with -c and --loop; no flow is split across shares
# (both directions, every fragment of a datagram), by tshark's reading of
# the packets; the summary counts the packets outside the share; a
# capture of many flows spreads evenly. Over every capture of the corpus
# and, for the generated corpus, pktgen --flows.
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark mergecap
need_pktlua
TMP=$(tmp)

# usage: K/N with 1 <= K <= N, exit 2 and a message naming the option;
# documented in --help and the man page
for a in 0/2 3/2 2 /2 1/ a/b 1/0 1/2/3 -1/2 1/-2 ""; do
  "$PKTLUA" -r "$CAP_MIXED" --shard="$a" >/dev/null 2>"$TMP/err"; rc=$?
  check "--shard=$a: exit 2 and a message about --shard" \
    test $rc -eq 2 -a -n "$(grep -F -- '--shard' "$TMP/err")"
done
check "--help documents --shard" grep -q -- '--shard=K/N' <("$PKTLUA" --help)
check "the man page documents --shard" grep -q -- '\\-\\-shard' "$SRC/doc/pktlua.1"
check "--help names info.flow" grep -q 'flow (the flow' <("$PKTLUA" --help)

# one line per packet (timestamp and every byte), in the file's order
packets() {
  tcpdump -nn -tt --nano -xx -r "$1" 2>/dev/null | awk '
    /^[0-9]/ { if (line != "") print line; line = $1; next }
    /^[ \t]+0x[0-9a-f]+:/ { $1 = ""; line = line $0 }
    END { if (line != "") print line }'
}

# the flow of each packet as tshark reads it, one line per packet: the
# outer IP header's addresses, then for a fragment (first or later) the
# datagram's identification, else the ports of TCP, UDP or SCTP, else the
# protocol; Ethernet addresses when not IP; "?" when tshark cannot tell
# (a cut header). Each side's address and port stay together and the two
# sides are sorted, so both directions give one key.
FIELDS=(frame.protocols eth.src eth.dst ip.src ip.dst ip.proto ip.flags.mf
        ip.frag_offset ip.id ipv6.src ipv6.dst ipv6.fraghdr.offset
        ipv6.fraghdr.more ipv6.fraghdr.ident tcp.srcport tcp.dstport
        udp.srcport udp.dstport sctp.srcport sctp.dstport)
flowkeys() {
  tshark -r "$1" -n -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
    -T fields -E occurrence=f -E separator=/t \
    $(printf -- '-e %s ' "${FIELDS[@]}") 2>/dev/null | awk -F'\t' '
    function pair(x, y) { return x < y ? x " " y : y " " x }
    {
      n = split($1, pr, ":"); outer = 0
      for (i = 1; i <= n; i++) if (pr[i] == "ip" || pr[i] == "ipv6") { outer = i; break }
      if (!outer) { print ($2 == "" ? "l2" : "l2 " pair($2, $3)); next }
      v6 = pr[outer] == "ipv6"
      a = v6 ? $10 : $4; b = v6 ? $11 : $5
      if (a == "" || b == "") { print "?"; next }
      nx = outer + 1
      while (nx <= n && (pr[nx] ~ /^ipv6\./ || pr[nx] == "ah")) {
        if (pr[nx] == "ipv6.fraghdr" && ($12 + 0 > 0 || $13 == "1" || $13 == "True")) {
          print "frag6 " pair(a, b) " " $14; next
        }
        nx++
      }
      if (!v6 && ($7 == "1" || $7 == "True" || $8 + 0 > 0)) {
        print "frag4 " pair(a, b) " " $9; next
      }
      p = nx <= n ? pr[nx] : "none"
      if (p == "tcp") { pa = $15; pb = $16 }
      else if (p == "udp") { pa = $17; pb = $18 }
      else if (p == "sctp") { pa = $19; pb = $20 }
      else { print p " " pair(a, b) (v6 ? "" : " " $6); next }
      if (pa == "" || pb == "") { print "?"; next }
      print p " " pair(a "." pa, b "." pb)
    }'
}

# run_shards IN N ARGS...: runs the N shares of IN (extra pktlua arguments
# after N) into $TMP/s1.pcap ... (their packets in s1.txt ...) and, unless
# the ARGS are those of the last call, the whole into $TMP/all.pcap (its
# packets, sorted, in all.txt)
run_shards() {
  local in=$1 n=$2 k
  shift 2
  if [ "$in $*" != "${_whole:-}" ]; then
    "$PKTLUA" -q -r "$in" -w "$TMP/all.pcap" "$@" || bad "$(basename "$in"): unsharded run exits 0"
    packets "$TMP/all.pcap" | sort >"$TMP/all.txt"
    _whole="$in $*"
  fi
  rm -f "$TMP"/s*.pcap "$TMP"/s*.txt
  for k in $(seq "$n"); do
    "$PKTLUA" -q -r "$in" -w "$TMP/s$k.pcap" --shard "$k/$n" "$@" ||
      bad "$(basename "$in"): --shard $k/$n exits 0"
    packets "$TMP/s$k.pcap" >"$TMP/s$k.txt"
  done
}

# together WHAT N [ordered]: the shares merged equal the unsharded output,
# as sets of packets (and in order, when the input's timestamps increase)
together() {
  local what=$1 n=$2 k files=()
  for k in $(seq "$n"); do files+=("$TMP/s$k.pcap"); done
  mergecap -F nsecpcap -w "$TMP/merged.pcap" "${files[@]}" 2>"$TMP/mergecap.err" ||
    { bad "$what: mergecap: $(cat "$TMP/mergecap.err")"; return; }
  for k in $(seq "$n"); do cat "$TMP/s$k.txt"; done | sort >"$TMP/union.txt"
  packets "$TMP/merged.pcap" | sort >"$TMP/merged.txt"
  same "$what: the $n shares hold the unsharded output's packets" "$TMP/all.txt" "$TMP/union.txt"
  same "$what: the $n shares merged by mergecap are the unsharded output" "$TMP/all.txt" "$TMP/merged.txt"
  if [ "${3:-}" = ordered ]; then
    same "$what: ... in the same order" <(packets "$TMP/all.pcap") <(packets "$TMP/merged.pcap")
    mergecap -F pcap -w "$TMP/merged.pcap" "${files[@]}" 2>/dev/null
    check "$what: ... byte for byte (mergecap -F pcap)" cmp -s "$TMP/all.pcap" "$TMP/merged.pcap"
  fi
}

# unsplit WHAT N: no flow key (flowkeys, of the input) in two shares
unsplit() {
  local what=$1 n=$2 k split
  for k in $(seq "$n"); do sed "s/^/$k /" "$TMP/s$k.txt"; done >"$TMP/where.txt"
  # packet line -> key, from the input read in the same order twice
  split=$(awk '
    FILENAME == ARGV[1] { key[FNR] = $0; next }
    FILENAME == ARGV[2] { k = key[FNR]; if (k != "?") flow[$0] = k; next }
    {
      share = $1; $1 = ""; sub(/^ /, "")
      if (!($0 in flow)) next
      f = flow[$0]
      if (f in at && at[f] != share) { print f; bad++ }
      at[f] = share
    }
    END { exit bad > 0 }' "$TMP/keys.txt" "$TMP/input.txt" "$TMP/where.txt") ||
    { bad "$what: a flow split across the $n shares: $(printf '%s' "$split" | head -3)"; return; }
  ok
}

# a flow-state script: each flow's first 3 packets pass, the rest drop;
# the shares together agree with one run only when every flow stays whole
cat >"$TMP/first3.lua" <<'EOF'
local seen = {}
function packet(pkt, info)
  local n = (seen[info.flow] or 0) + 1
  seen[info.flow] = n
  return n <= 3
end
EOF

inputs=()
if [ "$CORPUS" = generated ]; then
  need_pktgen
  "$PKTGEN" --flows 4000 -w "$TMP/flows.pcap" || die "pktgen --flows"
  inputs+=("$TMP/flows.pcap")
fi
while read -r f; do inputs+=("$f"); done < <(readable_captures)

for f in "${inputs[@]}"; do
  name=$(basename "$f")
  flowkeys "$f" >"$TMP/keys.txt"
  packets "$f" >"$TMP/input.txt"
  [ "$(wc -l <"$TMP/keys.txt")" -eq "$(wc -l <"$TMP/input.txt")" ] ||
    die "$name: tshark and tcpdump disagree on the number of packets"
  order=
  [ "$f" = "$TMP/flows.pcap" ] && order=ordered
  for n in 2 3 4; do
    run_shards "$f" "$n"
    together "$name copy" "$n" $order
    unsplit "$name" "$n"
  done
done

# with a script: what the shares' scripts pass is what one script passes
scripted=("$CAP_MIXED" "$CAP_LONG" "$CAP_SLL_NANO")
[ "$CORPUS" = generated ] && scripted+=("$TMP/flows.pcap" "$CAPS/ipv4-fragments.pcap" "$CAPS/tunnels.pcap")
for f in "${scripted[@]}"; do
  name=$(basename "$f")
  run_shards "$f" 3 -f "$TMP/first3.lua"
  together "$name first3.lua" 3
  run_shards "$f" 2 -f "$EXAMPLES/ttl.lua"
  together "$name ttl.lua" 2
done

# -c counts the packets read, in the share or not: the shares of a -c run
# are the -c run
f=$CAP_LONG
run_shards "$f" 3 -c 500
together "$(basename "$f") -c 500" 3
# --loop: every pass splits the same way
run_shards "$f" 2 --loop=3
together "$(basename "$f") --loop=3" 2

# the summary: read counts every packet; outside the share, not dropped
for k in 1 2; do
  "$PKTLUA" -q -r "$f" -w "$TMP/s$k.pcap" --shard "$k/2" --stats=json 2>"$TMP/err$k" ||
    bad "--stats=json --shard $k/2 exits 0"
  read=$(jsonfield "$TMP/err$k" read); passed=$(jsonfield "$TMP/err$k" passed)
  out=$(jsonfield "$TMP/err$k" outside); dropped=$(jsonfield "$TMP/err$k" dropped)
  check "--shard $k/2: read = passed + outside ($read, $passed, $out)" \
    test "$read" -eq $((passed + out)) -a "$dropped" -eq 0 -a "$read" -eq "$(count "$f")"
  check "--shard $k/2: passed = the packets written" test "$passed" -eq "$(count "$TMP/s$k.pcap")"
  check "--stats=json names the shard" grep -q "\"shard\":\"$k/2\"" "$TMP/err$k"
done
_whole=  # all.pcap is overwritten here
"$PKTLUA" -q -r "$f" -w "$TMP/all.pcap" --stats=json 2>"$TMP/err"
check "without --shard: outside 0, shard null" \
  test "$(jsonfield "$TMP/err" outside)" -eq 0 -a "$(grep -c '"shard":null' "$TMP/err")" -eq 1
"$PKTLUA" -r "$f" -w "$TMP/s1.pcap" --shard 1/2 2>"$TMP/err"
check "the summary line says how many were outside the share" \
  grep -q "^pktlua: --shard 1/2: [0-9][0-9]* packets read were outside the share" "$TMP/err"
"$PKTLUA" -r "$f" -w "$TMP/s1.pcap" --shard 1/1 --stats=json 2>"$TMP/err"
check "--shard 1/1 is the whole input" test "$(jsonfield "$TMP/err" outside)" -eq 0

# info.flow and pktlua.share are what --shard splits by: a script keeping
# share 2 of 3 writes what --shard 2/3 writes
for f in "$CAP_MIXED" "$CAP_LONG" "$CAPS"/*tunnel*.pcap; do
  [ -f "$f" ] || continue
  "$PKTLUA" -q -r "$f" -w "$TMP/a.pcap" --shard 2/3
  "$PKTLUA" -q -r "$f" -w "$TMP/b.pcap" -e 'function packet(p, i) return pktlua.share(i.flow, 3) == 2 end'
  check "$(basename "$f"): pktlua.share(info.flow, 3) == 2 is --shard 2/3" cmp -s "$TMP/a.pcap" "$TMP/b.pcap"
  # pktlua.flowhash: with info, info.flow; at an IP header, the same for IP
  # packets; at a tunnel's inner header, a hash; nil where there is no IP
  "$PKTLUA" -q -r "$f" -e '
    local bad = 0
    function packet(p, i)
      local h = i.flow
      if math.type(h) ~= "integer" or h < 0 or h > 0xffffffff then bad = bad + 1 end
      if pktlua.flowhash(p, i) ~= h then bad = bad + 1 end
      if i.l3 and pktlua.flowhash(p, i.l3) ~= h then bad = bad + 1 end
      local inner = i.l3 and pktlua.inner(p, i)
      if inner and math.type(pktlua.flowhash(p, inner)) ~= "integer" then bad = bad + 1 end
      if pktlua.flowhash(p, #p + 1) ~= nil then bad = bad + 1 end
    end
    function finish() if bad > 0 then error(bad .. " wrong") end end' 2>"$TMP/err"
  check "$(basename "$f"): info.flow and pktlua.flowhash agree ($(head -c 200 "$TMP/err"))" test $? -eq 0
done
"$PKTLUA" -q -r "$CAP_MIXED" -c 1 --stats=json -e 'function packet(p, i) i.flow = 1 end' 2>"$TMP/err"
check "info.flow is read-only" grep -q 'info.flow is read-only' "$TMP/err"
for call in 'pktlua.share(-1, 2)' 'pktlua.share(2^32, 2)' 'pktlua.share(1, 0)' 'pktlua.share("x", 2)'; do
  "$PKTLUA" -q -r "$CAP_MIXED" -c 1 -e "function packet(p, i) $call end" 2>"$TMP/err"
  check "$call: bad argument" grep -q "bad argument" "$TMP/err"
done
check "pktlua.share splits the hash range in order" \
  "$PKTLUA" -q -r "$CAP_MIXED" -c 1 -e '
    function packet() end
    function finish() assert(pktlua.share(0, 4) == 1 and pktlua.share(0xffffffff, 4) == 4
      and pktlua.share(0x7fffffff, 2) == 1 and pktlua.share(0x80000000, 2) == 2) end'

# live (-i; as root, once): two captures of lo, shares 1/2 and 2/2, each
# see the 40 datagrams sent from 40 source ports and keep their own flows:
# together they hold every datagram once
if [ "$CORPUS" = generated ] && [ "$(id -u)" -eq 0 ] && ip link show lo >/dev/null 2>&1; then
  port=$((20000 + RANDOM % 20000))
  pids=()
  for k in 1 2; do
    "$PKTLUA" -v -i lo -w "$TMP/live$k.pcap" --shard "$k/2" --stats=json \
      udp dst port $port 2>"$TMP/live$k.err" &
    pids+=($!)
  done
  for k in 1 2; do
    wait_grep "$TMP/live$k.err" "lo: live"
  done
  for i in $(seq 40); do
    echo "pktlua-shard $i" >/dev/udp/127.0.0.1/$port 2>/dev/null
    sleep 0.01
  done
  sleep 0.5
  kill -TERM "${pids[@]}"; wait "${pids[@]}"
  for k in 1 2; do
    tcpdump -A -r "$TMP/live$k.pcap" 2>/dev/null | grep -o 'pktlua-shard [0-9]*'
  done >"$TMP/live.txt"
  check "live: the two shares hold 40 datagrams, each once ($(wc -l <"$TMP/live.txt"))" \
    test "$(wc -l <"$TMP/live.txt")" -eq 40 -a "$(sort -u "$TMP/live.txt" | wc -l)" -eq 40
  check "live: both shares have some" test "$(count "$TMP/live1.pcap")" -gt 0 -a "$(count "$TMP/live2.pcap")" -gt 0
  check "live: outside one share = passed in the other" \
    test "$(jsonfield "$TMP/live1.err" outside)" -eq "$(jsonfield "$TMP/live2.err" passed)"
fi

# many flows spread evenly: each of 4 shares holds a quarter of the flows
# of pktgen --flows, within 5 standard deviations
if [ "$CORPUS" = generated ]; then
  flowkeys "$TMP/flows.pcap" >"$TMP/keys.txt"
  packets "$TMP/flows.pcap" >"$TMP/input.txt"
  run_shards "$TMP/flows.pcap" 4
  for k in 1 2 3 4; do sed "s/^/$k /" "$TMP/s$k.txt"; done >"$TMP/where.txt"
  spread=$(awk '
    FILENAME == ARGV[1] { key[FNR] = $0; next }
    FILENAME == ARGV[2] { flow[$0] = key[FNR]; next }
    { share = $1; $1 = ""; sub(/^ /, ""); f = flow[$0]
      if (!(f in seen)) { seen[f] = 1; n[share]++; total++ } }
    END {
      mean = total / 4; sd = sqrt(total * 0.25 * 0.75)
      for (k = 1; k <= 4; k++) {
        d = n[k] - mean; if (d < 0) d = -d
        printf "%d ", n[k]; if (d > 5 * sd) bad = 1
      }
      exit bad
    }' "$TMP/keys.txt" "$TMP/input.txt" "$TMP/where.txt")
  check "4000 flows spread evenly over 4 shares (flows per share: $spread)" test $? -eq 0
fi
finish
